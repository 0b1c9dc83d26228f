// Shipments: create, get, list, buy, in-flight list.
#include "store/shipments_store.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_map>

#include "store/detail/codec.hpp"
#include "store/detail/columns.hpp"
#include "store/detail/list_sql.hpp"
#include "store/detail/uuid_v7.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

// Any number of shipments (each with both addresses and its parcel when it has one) in ONE
// statement, one array parameter a column: the statement text is the same for 1 or 64
// shipments, so it is prepared once. Ids are made by shipd (UUID v7, detail/uuid_v7.hpp), so
// the rows point at each other without reading each other back; the shipments' foreign keys
// are checked at the end of the statement, after every CTE ran. One statement is one
// transaction: a row the schema refuses stores nothing of any of them.
// The answer is one row: how many shipments went in, and the transaction's time, which is
// every created_at / updated_at the defaults wrote (now() is the transaction's start). The
// rest of each stored row is what shipd sent (text and float8 round-trip exactly, the rates'
// jsonb holds the values rates_to_json wrote), so nothing else is sent back: reading the rows
// back (a hash join of the CTEs, 6 timestamps formatted and ~2 kB a shipment on the wire)
// was a quarter of the statement's cost.
constexpr std::string_view kCreateShipments =
    "WITH a AS ("
    " INSERT INTO addresses (id, name, company, street1, street2, city, state, zip, country,"
    " phone, email, residential)"
    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[])"
    "), p AS ("
    " INSERT INTO parcels (id, length, width, height, weight, predefined_package)"
    " SELECT * FROM unnest($13::uuid[], $14::float8[], $15::float8[], $16::float8[],"
    " $17::float8[], $18::text[])"
    "), s AS ("
    " INSERT INTO shipments (id, from_address_id, to_address_id, parcel_id, reference, status,"
    " rates, easypost_id)"
    " SELECT * FROM unnest($19::uuid[], $20::uuid[], $21::uuid[], $22::uuid[], $23::text[],"
    " $24::text[], $25::jsonb[], $26::text[])"
    " RETURNING 1"
    ")"
    " SELECT (SELECT count(*) FROM s), now()";

constexpr std::string_view kGetShipment =
    "SELECT " SHIPD_SHIPMENT_COLUMNS " FROM shipments s" SHIPD_SHIPMENT_JOINS
    " WHERE s.id = $1::uuid";

// GetBatcher's statement: the GETs of one loop tick at once (one plan start, one result).
constexpr std::string_view kGetShipments =
    "SELECT " SHIPD_SHIPMENT_COLUMNS " FROM shipments s" SHIPD_SHIPMENT_JOINS
    " WHERE s.id = ANY($1::uuid[])";

// The conditional purchase: only a shipment without a selected rate is bought, so of two
// concurrent buys the second re-checks the row after the first commits and updates nothing.
// The pre_transit event's trigger moves status and latest_event_* at the end of the statement.
constexpr std::string_view kBuy =
    "WITH s AS ("
    " UPDATE shipments SET selected_rate = $2::jsonb, carrier = $3, service = $4,"
    " rate_amount = $5::numeric, rate_currency = $6, tracking_code = $7, label_url = $8,"
    " easypost_id = coalesce($9, easypost_id), purchased_at = now()"
    " WHERE id = $1::uuid AND selected_rate IS NULL RETURNING id"
    "), e AS ("
    " INSERT INTO shipment_events (shipment_id, status, message, occurred_at, source)"
    " SELECT s.id, 'pre_transit', $10, now(), 'carrier' FROM s RETURNING id"
    ")"
    " SELECT (SELECT count(*) FROM e) AS bought,"
    " EXISTS (SELECT 1 FROM shipments WHERE id = $1::uuid) AS found";

constexpr std::string_view kSimulatedInFlight =
    "SELECT s.id, s.tracking_code, s.carrier, s.service, s.status, " SHIPD_UTC(
        "s.latest_event_at") ", " SHIPD_UTC("s.purchased_at")
    " FROM shipments s"
    " WHERE s.status IN ('pre_transit', 'in_transit', 'out_for_delivery', 'available_for_pickup')"
    " AND s.purchased_at IS NOT NULL AND s.easypost_id IS NULL AND s.tracking_code IS NOT NULL"
    " ORDER BY s.latest_event_at NULLS FIRST, s.id"
    " LIMIT $1";

// list_shipments: one query text per combination of filters and cursor, made once from
// constant fragments (placeholders numbered in order; never a value in the text).
enum Filter : unsigned {
    kStatus = 1,
    kCarrier = 2,
    kTrackingCode = 4,
    kReference = 8,
    kStart = 16,
    kEnd = 32,
};
enum class Cursor { kNone = 0, kBefore = 1, kAfter = 2 };
constexpr unsigned kFilterCombinations = 64;

std::string make_list_query(unsigned filters, Cursor cursor) {
    int n = 0;
    std::string q;
    // Appends "$<n>" with the next number (+= only: GCC 12 warns falsely on operator+ chains).
    auto placeholder = [&n, &q] {
        q += '$';
        q += std::to_string(++n);
    };
    auto condition = [&](unsigned bit, std::string_view column_op, std::string_view cast) {
        if (!(filters & bit)) return;
        q += " AND ";
        q += column_op;
        placeholder();
        q += cast;
    };
    // The page is chosen in a subquery on shipments alone (an index range scan that stops at
    // LIMIT), then joined to its addresses and parcel.
    q += "SELECT " SHIPD_SHIPMENT_COLUMNS " FROM (SELECT * FROM shipments s WHERE true";
    condition(kStatus, "s.status = ", "::text");
    condition(kCarrier, "s.carrier = ", "::text");
    condition(kTrackingCode, "s.tracking_code = ", "::text");
    condition(kReference, "s.reference = ", "::text");
    condition(kStart, "s.created_at >= ", "::timestamptz");
    condition(kEnd, "s.created_at < ", "::timestamptz");
    if (cursor != Cursor::kNone) {
        // A row comparison with plain expressions on its right is an index condition.
        q += cursor == Cursor::kBefore ? " AND (s.created_at, s.id) < (" : " AND (s.created_at, s.id) > (";
        q += "(SELECT c.created_at FROM shipments c WHERE c.id = ";
        placeholder();
        q += "::uuid), ";
        q += '$';
        q += std::to_string(n);
        q += "::uuid)";
    }
    std::string_view order = cursor == Cursor::kAfter ? " ORDER BY s.created_at ASC, s.id ASC"
                                                      : " ORDER BY s.created_at DESC, s.id DESC";
    q += order;
    q += " LIMIT ";
    placeholder();
    q += "::int) s" SHIPD_SHIPMENT_JOINS;
    q += order;
    return q;
}

const std::string& list_query(unsigned filters, Cursor cursor) {
    static const auto kQueries = [] {
        std::array<std::string, kFilterCombinations * 3> out;
        for (unsigned f = 0; f < kFilterCombinations; ++f) {
            for (int c = 0; c < 3; ++c) out[f * 3 + c] = make_list_query(f, static_cast<Cursor>(c));
        }
        return out;
    }();
    return kQueries[filters * 3 + static_cast<unsigned>(cursor)];
}

}  // namespace

namespace detail {

const std::string& list_shipments_sql(const ListFilter& f) {
    unsigned filters = (f.status ? kStatus : 0u) | (f.carrier ? kCarrier : 0u) |
                       (f.tracking_code ? kTrackingCode : 0u) | (f.reference ? kReference : 0u) |
                       (f.start ? kStart : 0u) | (f.end ? kEnd : 0u);
    Cursor cursor = f.before_id ? Cursor::kBefore : f.after_id ? Cursor::kAfter : Cursor::kNone;
    return list_query(filters, cursor);
}

}  // namespace detail

namespace {

using Column = std::vector<std::optional<std::string>>;

// The 26 array parameters of kCreateShipments for `shipments`, with ids from `ids` (4 a
// shipment: from address, to address, parcel, shipment).
pg::Params create_params(const std::vector<const domain::Shipment*>& shipments, const std::vector<std::string>& ids) {
    const std::size_t n = shipments.size();
    std::array<Column, 12> address;
    std::array<Column, 6> parcel;
    std::array<Column, 8> shipment;
    for (auto& c : address) c.reserve(2 * n);
    for (auto& c : shipment) c.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const domain::Shipment& s = *shipments[i];
        const std::string* id = &ids[4 * i];
        int side = 0;
        for (const domain::Address* a : {&s.from_address, &s.to_address}) {
            address[0].push_back(id[side++]);
            address[1].push_back(a->name);
            address[2].push_back(a->company);
            address[3].push_back(a->street1);
            address[4].push_back(a->street2);
            address[5].push_back(a->city);
            address[6].push_back(a->state);
            address[7].push_back(a->zip);
            address[8].push_back(a->country);
            address[9].push_back(a->phone);
            address[10].push_back(a->email);
            address[11].push_back(pg::to_param(a->residential));
        }
        if (s.parcel) {
            const domain::Parcel& p = *s.parcel;
            parcel[0].push_back(id[2]);
            parcel[1].push_back(pg::to_param(p.length));
            parcel[2].push_back(pg::to_param(p.width));
            parcel[3].push_back(pg::to_param(p.height));
            parcel[4].push_back(pg::to_param(p.weight));
            parcel[5].push_back(p.predefined_package);
        }
        shipment[0].push_back(id[3]);
        shipment[1].push_back(id[0]);
        shipment[2].push_back(id[1]);
        shipment[3].push_back(s.parcel ? std::optional(id[2]) : std::nullopt);
        shipment[4].push_back(s.reference);
        shipment[5].push_back(std::string(domain::to_string(s.status)));
        shipment[6].push_back(s.rates.empty() ? std::nullopt : std::optional(detail::rates_to_json(s.rates)));
        shipment[7].push_back(s.easypost_id);
    }
    pg::Params params;
    for (const auto& c : address) params.add(c);
    for (const auto& c : parcel) params.add(c);
    for (const auto& c : shipment) params.add(c);
    return params;
}

}  // namespace

asio::awaitable<std::vector<domain::Shipment>> create_shipments(pg::Pool& pool,
                                                                const std::vector<const domain::Shipment*>& shipments) {
    std::vector<domain::Shipment> out;
    if (shipments.empty()) co_return out;
    std::vector<std::string> ids = detail::make_uuid_v7(4 * shipments.size());
    auto result = co_await pool.execute_params(kCreateShipments, create_params(shipments, ids));
    auto row = result.one();
    auto count = row[0].as<std::int64_t>();
    if (count != static_cast<std::int64_t>(shipments.size())) {
        throw pg::ResultError("create: " + std::to_string(count) + " rows for " + std::to_string(shipments.size()) +
                              " shipments");
    }
    auto now = detail::decode_timestamp(row, 1);
    out.reserve(shipments.size());
    for (std::size_t i = 0; i < shipments.size(); ++i) {
        const domain::Shipment& in = *shipments[i];
        const std::string* id = &ids[4 * i];
        // Exactly the columns kCreateShipments writes; the others are NULL on a new row.
        domain::Shipment s;
        s.id = id[3];
        s.reference = in.reference;
        s.status = in.status;
        s.from_address = in.from_address;
        s.to_address = in.to_address;
        s.parcel = in.parcel;
        s.rates = in.rates;
        s.easypost_id = in.easypost_id;
        s.created_at = s.updated_at = now;
        s.from_address.id = id[0];
        s.to_address.id = id[1];
        for (domain::Address* a : {&s.from_address, &s.to_address}) a->created_at = a->updated_at = now;
        if (s.parcel) s.parcel->id = id[2];
        out.push_back(std::move(s));
    }
    co_return out;
}

asio::awaitable<domain::Shipment> create_shipment(pg::Pool& pool, const domain::Shipment& s) {
    std::vector<const domain::Shipment*> one{&s};
    auto stored = co_await create_shipments(pool, one);
    co_return std::move(stored.front());
}

asio::awaitable<std::optional<domain::Shipment>> get_shipment(pg::Pool& pool,
                                                              const std::string& id) {
    auto result = co_await pool.read(kGetShipment, id);
    auto row = result.maybe_one();
    if (!row) co_return std::nullopt;
    co_return detail::decode_shipment(*row);
}

asio::awaitable<std::vector<ShipmentLookup>> get_shipments(pg::Pool& pool, const std::vector<std::string>& ids) {
    auto result = co_await pool.read(kGetShipments, ids);  // a text[] parameter (pg/types.hpp)
    // The database's id text is canonical (lower case, hyphens); so are the ids asked for.
    std::unordered_map<std::string_view, std::size_t> row_of;
    row_of.reserve(result.size());
    for (std::size_t r = 0; r < result.size(); ++r) {
        if (auto id = result[r][0].text()) row_of.emplace(*id, r);
    }
    std::vector<ShipmentLookup> out(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto it = row_of.find(ids[i]);
        if (it == row_of.end()) continue;
        try {
            out[i].shipment = detail::decode_shipment(result[it->second]);
        } catch (...) {
            out[i].error = std::current_exception();
        }
    }
    co_return out;
}

asio::awaitable<ShipmentPage> list_shipments(pg::Pool& pool, const ListFilter& f) {
    // Parameters in the order make_list_query numbers them.
    pg::Params params;
    if (f.status) params.add(domain::to_string(*f.status));
    if (f.carrier) params.add(*f.carrier);
    if (f.tracking_code) params.add(*f.tracking_code);
    if (f.reference) params.add(*f.reference);
    if (f.start) params.add(*f.start);
    if (f.end) params.add(*f.end);
    Cursor cursor = f.before_id ? Cursor::kBefore : f.after_id ? Cursor::kAfter : Cursor::kNone;
    if (cursor == Cursor::kBefore) params.add(*f.before_id);
    if (cursor == Cursor::kAfter) params.add(*f.after_id);
    params.add(f.page_size + 1);  // one more than the page: has_more without a count
    auto result = co_await pool.read_params(detail::list_shipments_sql(f), std::move(params));
    ShipmentPage page;
    page.has_more = result.size() > f.page_size;
    std::size_t n = std::min(result.size(), f.page_size);
    page.shipments.reserve(n);
    if (cursor == Cursor::kAfter) {
        // Rows came oldest first from the cursor; the page is the n nearest, newest first.
        for (std::size_t i = n; i-- > 0;) page.shipments.push_back(detail::decode_shipment(result[i]));
    } else {
        for (std::size_t i = 0; i < n; ++i) page.shipments.push_back(detail::decode_shipment(result[i]));
    }
    co_return page;
}

asio::awaitable<BuyResult> buy(pg::Pool& pool, const std::string& id, const Purchase& purchase) {
    pg::Params params;
    params.add(id)
        .add(detail::rate_to_json(purchase.rate))
        .add(purchase.rate.carrier)
        .add(purchase.rate.service)
        .add(purchase.rate.rate)
        .add(purchase.rate.currency)
        .add(purchase.tracking_code)
        .add(purchase.label_url)
        .add(purchase.easypost_id)
        .add(purchase.message);
    std::vector<pg::Query> queries;
    queries.push_back({std::string(kBuy), std::move(params)});
    queries.push_back({std::string(kGetShipment), pg::Params(id)});
    auto lease = co_await pool.acquire("store.buy");
    // One Sync each: the read runs after the purchase committed, in the same round trip.
    auto outcomes = co_await lease->pipeline(std::move(queries));
    lease.release();
    auto row = outcomes[0].value().one();
    BuyResult out;
    if (row[0].as<std::int64_t>() == 1) {
        out.outcome = BuyOutcome::kBought;
    } else if (row[1].as<bool>()) {
        out.outcome = BuyOutcome::kAlreadyPurchased;
    } else {
        co_return out;
    }
    if (auto s = outcomes[1].value().maybe_one()) out.shipment = detail::decode_shipment(*s);
    co_return out;
}

asio::awaitable<std::vector<InFlight>> list_simulated_in_flight(pg::Pool& pool, std::size_t limit) {
    auto result = co_await pool.execute(kSimulatedInFlight, limit);
    std::vector<InFlight> out;
    out.reserve(result.size());
    for (auto row : result) {
        InFlight f;
        f.shipment_id = row[0].as<std::string>();
        f.tracking_code = row[1].as<std::string>();
        f.carrier = row[2].as<std::optional<std::string>>();
        f.service = row[3].as<std::optional<std::string>>();
        f.status = detail::decode_status(*row[4].text());
        f.latest_event_at = row[5].as<std::optional<std::string>>();
        f.purchased_at = row[6].as<std::string>();
        out.push_back(std::move(f));
    }
    co_return out;
}

}  // namespace shipd::store
