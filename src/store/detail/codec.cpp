// Row decoders and parameter encoders shared by the stores.
#include "store/detail/codec.hpp"

#include <cstddef>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "pg/errors.hpp"
#include "store/detail/timestamp.hpp"

namespace shipd::store::detail {

namespace json = boost::json;

namespace {

template <class T>
T field(const pg::Row& row, int column) {
    return row[column].as<T>();
}

using OptText = std::optional<std::string>;

json::value rate_to_value(const domain::Rate& rate) {
    json::object o;
    o.reserve(7);
    o["id"] = rate.id;
    o["carrier"] = rate.carrier;
    o["service"] = rate.service;
    o["rate"] = rate.rate;
    o["currency"] = rate.currency;
    o["delivery_days"] = rate.delivery_days ? json::value(*rate.delivery_days) : json::value(nullptr);
    o["est_delivery_date"] =
        rate.est_delivery_date ? json::value(*rate.est_delivery_date) : json::value(nullptr);
    return o;
}

}  // namespace

domain::Timestamp decode_timestamp(const pg::Row& row, int column) {
    auto text = row[column].text();
    auto ts = text ? utc_timestamp(*text) : std::nullopt;
    if (!ts) throw pg::ResultError("column " + std::to_string(column) + " is not a finite timestamp");
    return std::move(*ts);
}

domain::Status decode_status(std::string_view text) {
    auto s = domain::status_from_string(text);
    if (!s) throw pg::ResultError("unknown status in the database: " + std::string(text));
    return *s;
}

domain::Address decode_address(const pg::Row& row, int c) {
    domain::Address a;
    a.id = field<std::string>(row, c + 0);
    a.name = field<OptText>(row, c + 1);
    a.company = field<OptText>(row, c + 2);
    a.street1 = field<std::string>(row, c + 3);
    a.street2 = field<OptText>(row, c + 4);
    a.city = field<std::string>(row, c + 5);
    a.state = field<OptText>(row, c + 6);
    a.zip = field<std::string>(row, c + 7);
    a.country = field<std::string>(row, c + 8);
    a.phone = field<OptText>(row, c + 9);
    a.email = field<OptText>(row, c + 10);
    a.residential = field<std::optional<bool>>(row, c + 11);
    a.created_at = decode_timestamp(row, c + 12);
    a.updated_at = decode_timestamp(row, c + 13);
    return a;
}

std::optional<domain::Parcel> decode_parcel(const pg::Row& row, int c) {
    if (row[c].is_null()) return std::nullopt;
    domain::Parcel p;
    p.id = field<std::string>(row, c + 0);
    p.length = field<std::optional<double>>(row, c + 1);
    p.width = field<std::optional<double>>(row, c + 2);
    p.height = field<std::optional<double>>(row, c + 3);
    p.weight = field<double>(row, c + 4);
    p.predefined_package = field<OptText>(row, c + 5);
    return p;
}

domain::Shipment decode_shipment(const pg::Row& row, int c) {
    domain::Shipment s;
    s.id = field<std::string>(row, c + 0);
    s.reference = field<OptText>(row, c + 1);
    s.status = decode_status(*row[c + 2].text());
    if (auto rates = row[c + 3].text()) s.rates = rates_from_json(*rates);
    if (auto rate = row[c + 4].text()) s.selected_rate = rate_from_json(*rate);
    s.carrier = field<OptText>(row, c + 5);
    s.service = field<OptText>(row, c + 6);
    s.tracking_code = field<OptText>(row, c + 7);
    s.label_url = field<OptText>(row, c + 8);
    s.easypost_id = field<OptText>(row, c + 9);
    s.created_at = decode_timestamp(row, c + 10);
    s.updated_at = decode_timestamp(row, c + 11);
    s.from_address = decode_address(row, c + 12);
    s.to_address = decode_address(row, c + 12 + kAddressColumns);
    s.parcel = decode_parcel(row, c + 12 + 2 * kAddressColumns);
    return s;
}

std::optional<domain::TrackingEvent> decode_event(const pg::Row& row, int c) {
    if (row[c].is_null()) return std::nullopt;
    domain::TrackingEvent e;
    e.id = field<std::string>(row, c + 0);
    e.shipment_id = field<std::string>(row, c + 1);
    e.status = decode_status(*row[c + 2].text());
    e.status_detail = field<OptText>(row, c + 3);
    e.message = field<OptText>(row, c + 4);
    e.occurred_at = decode_timestamp(row, c + 5);
    e.location.city = field<OptText>(row, c + 6);
    e.location.state = field<OptText>(row, c + 7);
    e.location.zip = field<OptText>(row, c + 8);
    e.location.country = field<OptText>(row, c + 9);
    e.source = field<std::string>(row, c + 10);
    return e;
}

std::string rate_to_json(const domain::Rate& rate) { return json::serialize(rate_to_value(rate)); }

std::string rates_to_json(const std::vector<domain::Rate>& rates) {
    json::array a;
    a.reserve(rates.size());
    for (const auto& r : rates) a.push_back(rate_to_value(r));
    return json::serialize(a);
}

std::string bytea_param(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 + bytes.size() * 2);
    out += "\\x";
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
    return out;
}

void add_address_params(pg::Params& params, const domain::Address& a) {
    params.add(a.name)
        .add(a.company)
        .add(a.street1)
        .add(a.street2)
        .add(a.city)
        .add(a.state)
        .add(a.zip)
        .add(a.country)
        .add(a.phone)
        .add(a.email)
        .add(a.residential);
}

}  // namespace shipd::store::detail
