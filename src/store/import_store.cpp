// Bulk shipment inserts: COPY FROM STDIN into addresses, parcels and shipments.
#include "store/import_store.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <charconv>
#include <exception>

#include "pg/copy_text.hpp"
#include "store/detail/codec.hpp"
#include "store/detail/uuid_v7.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kCopyAddresses =
    "COPY addresses (id, name, company, street1, street2, city, state, zip, country, phone,"
    " email, residential, created_at, updated_at) FROM STDIN";
constexpr std::string_view kCopyParcels =
    "COPY parcels (id, length, width, height, weight, predefined_package, created_at,"
    " updated_at) FROM STDIN";
constexpr std::string_view kCopyShipments =
    "COPY shipments (id, from_address_id, to_address_id, parcel_id, reference, status, rates,"
    " selected_rate, carrier, service, rate_amount, rate_currency, tracking_code, label_url,"
    " easypost_id, purchased_at, created_at, updated_at) FROM STDIN";

// Bytes a row takes in COPY text, to size the buffers once.
constexpr std::size_t kAddressRowBytes = 256;
constexpr std::size_t kParcelRowBytes = 128;
constexpr std::size_t kShipmentRowBytes = 768;

using Field = std::optional<std::string_view>;

// One COPY text row, field by field.
class CopyRow {
public:
    explicit CopyRow(std::string& buffer) : buffer_(buffer) {}
    CopyRow& operator<<(Field value) {
        if (!first_) buffer_.push_back('\t');
        first_ = false;
        pg::append_copy_field(buffer_, value);
        return *this;
    }
    CopyRow& operator<<(const std::optional<std::string>& value) {
        return *this << (value ? Field(*value) : std::nullopt);
    }
    CopyRow& operator<<(const std::string& value) { return *this << Field(value); }
    CopyRow& operator<<(const char* value) { return *this << Field(value); }
    CopyRow& operator<<(const std::optional<double>& value) {
        if (!value) return *this << Field();
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *value);
        return *this << Field(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    CopyRow& operator<<(const std::optional<bool>& value) {
        if (!value) return *this << Field();
        return *this << Field(*value ? "t" : "f");
    }
    ~CopyRow() { buffer_.push_back('\n'); }

private:
    std::string& buffer_;
    bool first_ = true;
};

void append_address(std::string& buffer, const std::string& id, const domain::Address& a,
                    std::string_view created) {
    CopyRow(buffer) << Field(id) << a.name << a.company << a.street1 << a.street2 << a.city
                    << a.state << a.zip << a.country << a.phone << a.email << a.residential
                    << Field(created) << Field(created);
}

}  // namespace

asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Connection& connection, std::span<const domain::Shipment> shipments) {
    if (shipments.empty()) co_return std::vector<std::string>{};
    const std::size_t n = shipments.size();
    // Per shipment: its id, the two addresses' and the parcel's.
    std::vector<std::string> ids = detail::make_uuid_v7(4 * n);
    std::string addresses, parcels, rows;
    addresses.reserve(2 * n * kAddressRowBytes);
    parcels.reserve(n * kParcelRowBytes);
    rows.reserve(n * kShipmentRowBytes);
    std::string rates, selected;
    for (std::size_t i = 0; i < n; ++i) {
        const domain::Shipment& s = shipments[i];
        const std::string& shipment_id = ids[4 * i];
        const std::string& from_id = ids[4 * i + 1];
        const std::string& to_id = ids[4 * i + 2];
        const std::string& parcel_id = ids[4 * i + 3];
        // 'now' is the transaction's start time in timestamptz input: now(), as a default.
        std::string_view created = s.created_at.empty() ? std::string_view("now") : s.created_at;
        append_address(addresses, from_id, s.from_address, created);
        append_address(addresses, to_id, s.to_address, created);
        if (s.parcel) {
            const domain::Parcel& p = *s.parcel;
            CopyRow(parcels) << Field(parcel_id) << p.length << p.width << p.height
                             << std::optional<double>(p.weight) << p.predefined_package
                             << Field(created) << Field(created);
        }
        rates = s.rates.empty() ? std::string() : detail::rates_to_json(s.rates);
        selected = s.selected_rate ? detail::rate_to_json(*s.selected_rate) : std::string();
        const domain::Rate* rate = s.selected_rate ? &*s.selected_rate : nullptr;
        CopyRow(rows) << Field(shipment_id) << Field(from_id) << Field(to_id)
                      << (s.parcel ? Field(parcel_id) : Field()) << s.reference
                      << Field(domain::to_string(s.status))
                      << (s.rates.empty() ? Field() : Field(rates))
                      << (rate ? Field(selected) : Field()) << s.carrier << s.service
                      << (rate ? Field(rate->rate) : Field())
                      << (rate ? Field(rate->currency) : Field()) << s.tracking_code
                      << s.label_url << s.easypost_id << (rate ? Field(created) : Field())
                      << Field(created) << Field(created);
    }
    // (co_await is not allowed inside a catch block: note the failure, act after it.)
    const bool own = !connection.in_transaction();
    std::exception_ptr error;
    try {
        if (own) co_await connection.execute_script("BEGIN");
        co_await connection.copy_in(kCopyAddresses, addresses);
        if (!parcels.empty()) co_await connection.copy_in(kCopyParcels, parcels);
        co_await connection.copy_in(kCopyShipments, rows);
        if (own) co_await connection.execute_script("COMMIT");
    } catch (...) {
        error = std::current_exception();
    }
    if (error) {
        if (own && !connection.broken() && connection.in_transaction()) {
            try {
                co_await connection.execute_script("ROLLBACK");
            } catch (...) {
                // The pool rolls back (or closes) a connection returned in a transaction.
            }
        }
        std::rethrow_exception(error);
    }
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(std::move(ids[4 * i]));
    co_return out;
}

asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Pool& pool, std::span<const domain::Shipment> shipments) {
    auto lease = co_await pool.acquire("store.insert_shipments_batch");
    co_return co_await insert_shipments_batch(*lease, shipments);
}

namespace {

asio::awaitable<void> analyze(pg::Pool& pool, const char* statement) {
    auto lease = co_await pool.acquire("store.analyze_bulk_tables");
    co_await lease->execute_script(statement);
}

}  // namespace

asio::awaitable<void> analyze_bulk_tables(pg::Pool& pool, BulkTables tables, AnalyzeSpread spread) {
    const bool events = tables == BulkTables::kShipmentsAndEvents;
    if (spread == AnalyzeSpread::kOneConnection) {
        co_await analyze(pool, events ? "ANALYZE addresses, parcels, shipments, shipment_events"
                                      : "ANALYZE addresses, parcels, shipments");
        co_return;
    }
    using namespace asio::experimental::awaitable_operators;
    auto all = analyze(pool, "ANALYZE shipments") && analyze(pool, "ANALYZE addresses") &&
               analyze(pool, "ANALYZE parcels");
    if (events) {
        co_await (std::move(all) && analyze(pool, "ANALYZE shipment_events"));
    } else {
        co_await std::move(all);
    }
}

}  // namespace shipd::store
