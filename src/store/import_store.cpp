// Bulk shipment inserts.
#include "store/import_store.hpp"

#include <array>
#include <charconv>

#include "store/detail/codec.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

// t: the batch, one row per shipment with every id made up front (MATERIALIZED: each id is
// made once per row and read by every insert below). Foreign keys are checked at the end of
// the statement, after every CTE ran.
#define SHIPD_ADDRESS_ARRAY_COLUMNS(a)                                                      \
    a "name, " a "company, " a "street1, " a "street2, " a "city, " a "state, " a "zip, " a \
      "country, " a "phone, " a "email, " a "residential"

#define SHIPD_INSERT_ADDRESSES(a, id)                                                         \
    " INSERT INTO addresses (id, name, company, street1, street2, city, state, zip, country," \
    " phone, email, residential, created_at, updated_at)"                                    \
    " SELECT " id ", " a "name, " a "company, " a "street1, " a "street2, " a "city, " a     \
    "state, " a "zip, " a "country, " a "phone, " a "email, " a "residential::boolean,"      \
    " created, created FROM t"

// uuid_generate_v7() (revision 3) inlined: the same bits from one clock reading per row,
// because four calls of the SQL function per shipment cost ~13 us each, a third of the batch.
#define SHIPD_UUID_V7(us)                                                                     \
    "encode(overlay(overlay(uuid_send(gen_random_uuid())"                                     \
    " PLACING substring(int8send(" us " / 1000) FROM 3) FROM 1 FOR 6)"                        \
    " PLACING substring(int4send((28672 | ((" us " % 1000) * 4096 / 1000))::int) FROM 3)"     \
    " FROM 7 FOR 2), 'hex')::uuid"

constexpr std::string_view kInsertShipments =
    "WITH raw AS ("
    " SELECT u.*, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us"
    " FROM unnest("
    "$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],"
    " $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],"
    " $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[],"
    " $27::text[], $28::text[], $29::text[], $30::text[], $31::text[], $32::text[],"
    " $33::text[], $34::text[], $35::text[], $36::text[], $37::text[])"
    " WITH ORDINALITY AS u(" SHIPD_ADDRESS_ARRAY_COLUMNS("f_") ", " SHIPD_ADDRESS_ARRAY_COLUMNS(
        "t_") ", p_length, p_width, p_height, p_weight, p_package, reference, status, rates,"
              " selected_rate, carrier, service, tracking_code, label_url, easypost_id,"
              " created_at, ord)"
    "), t AS MATERIALIZED ("
    " SELECT raw.*, " SHIPD_UUID_V7("us") " AS from_id, " SHIPD_UUID_V7("us") " AS to_id,"
    " CASE WHEN p_weight IS NOT NULL THEN " SHIPD_UUID_V7("us") " END AS parcel_id,"
    " " SHIPD_UUID_V7("us") " AS shipment_id,"
    " coalesce(created_at::timestamptz, now()) AS created, selected_rate::jsonb AS selected"
    " FROM raw"
    "), fa AS (" SHIPD_INSERT_ADDRESSES("f_", "from_id") "), ta AS (" SHIPD_INSERT_ADDRESSES(
        "t_", "to_id") "), p AS ("
    " INSERT INTO parcels (id, length, width, height, weight, predefined_package, created_at,"
    " updated_at)"
    " SELECT parcel_id, p_length::float8, p_width::float8, p_height::float8, p_weight::float8,"
    " p_package, created, created FROM t WHERE parcel_id IS NOT NULL"
    "), s AS ("
    " INSERT INTO shipments (id, from_address_id, to_address_id, parcel_id, reference, status,"
    " rates, selected_rate, carrier, service, rate_amount, rate_currency, tracking_code,"
    " label_url, easypost_id, purchased_at, created_at, updated_at)"
    " SELECT shipment_id, from_id, to_id, parcel_id, reference, status, rates::jsonb, selected,"
    " carrier, service, (selected->>'rate')::numeric, selected->>'currency', tracking_code,"
    " label_url, easypost_id, CASE WHEN selected IS NOT NULL THEN created END, created,"
    " created FROM t"
    ")"
    " SELECT shipment_id FROM t ORDER BY ord";

#undef SHIPD_ADDRESS_ARRAY_COLUMNS
#undef SHIPD_INSERT_ADDRESSES
#undef SHIPD_UUID_V7

constexpr std::size_t kArrays = 37;
using Column = std::vector<std::optional<std::string>>;

std::optional<std::string> number(const std::optional<double>& v) {
    if (!v) return std::nullopt;
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
    return std::string(buf, end);
}

std::optional<std::string> boolean(const std::optional<bool>& v) {
    if (!v) return std::nullopt;
    return std::string(*v ? "t" : "f");
}

std::optional<std::string> text(const std::string& v) { return v; }

void push_address(std::array<Column, kArrays>& c, std::size_t first, const domain::Address& a) {
    c[first + 0].push_back(a.name);
    c[first + 1].push_back(a.company);
    c[first + 2].push_back(text(a.street1));
    c[first + 3].push_back(a.street2);
    c[first + 4].push_back(text(a.city));
    c[first + 5].push_back(a.state);
    c[first + 6].push_back(text(a.zip));
    c[first + 7].push_back(text(a.country));
    c[first + 8].push_back(a.phone);
    c[first + 9].push_back(a.email);
    c[first + 10].push_back(boolean(a.residential));
}

}  // namespace

asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Connection& connection, const std::vector<domain::Shipment>& shipments) {
    if (shipments.empty()) co_return std::vector<std::string>{};
    std::array<Column, kArrays> c;
    for (auto& column : c) column.reserve(shipments.size());
    for (const auto& s : shipments) {
        push_address(c, 0, s.from_address);
        push_address(c, 11, s.to_address);
        const domain::Parcel* p = s.parcel ? &*s.parcel : nullptr;
        c[22].push_back(p ? number(p->length) : std::nullopt);
        c[23].push_back(p ? number(p->width) : std::nullopt);
        c[24].push_back(p ? number(p->height) : std::nullopt);
        c[25].push_back(p ? number(p->weight) : std::nullopt);
        c[26].push_back(p ? p->predefined_package : std::nullopt);
        c[27].push_back(s.reference);
        c[28].push_back(std::string(domain::to_string(s.status)));
        c[29].push_back(s.rates.empty() ? std::nullopt
                                        : std::optional(detail::rates_to_json(s.rates)));
        c[30].push_back(s.selected_rate ? std::optional(detail::rate_to_json(*s.selected_rate))
                                        : std::nullopt);
        c[31].push_back(s.carrier);
        c[32].push_back(s.service);
        c[33].push_back(s.tracking_code);
        c[34].push_back(s.label_url);
        c[35].push_back(s.easypost_id);
        c[36].push_back(s.created_at.empty() ? std::nullopt : std::optional(s.created_at));
    }
    pg::Params params;
    for (const auto& column : c) params.add(column);
    auto result = co_await connection.execute(kInsertShipments, std::move(params));
    std::vector<std::string> ids;
    ids.reserve(result.size());
    for (auto row : result) ids.push_back(row[0].as<std::string>());
    co_return ids;
}

asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Pool& pool, const std::vector<domain::Shipment>& shipments) {
    auto lease = co_await pool.acquire("store.insert_shipments_batch");
    co_return co_await insert_shipments_batch(*lease, shipments);
}

}  // namespace shipd::store
