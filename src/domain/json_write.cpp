// JSON writers of API.md's resources: appended straight into a response buffer, no DOM.
#include "domain/json_write.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "text/utf8.hpp"

namespace shipd::domain {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that need attention: control characters, '"', '\\' and anything non-ASCII (checked
// as UTF-8). Everything else is copied in runs.
// `"name":` in one append. Keys are compile-time ASCII names: no escaping needed.
template <std::size_t N>
void key(std::string& out, const char (&name)[N]) {
    char text[N + 2];
    text[0] = '"';
    std::memcpy(text + 1, name, N - 1);
    text[N] = '"';
    text[N + 1] = ':';
    out.append(text, N + 2);
}

void write_timestamp(std::string& out, const Timestamp& ts) {
    if (ts.empty()) {
        out += "null";
    } else {
        write_string(out, ts);
    }
}

void write_id(std::string& out, const std::string& id) {
    if (id.empty()) {
        out += "null";
    } else {
        write_string(out, id);
    }
}

void write_bool(std::string& out, const std::optional<bool>& value) {
    if (!value) {
        out += "null";
    } else {
        out += *value ? "true" : "false";
    }
}

void write_track_result(std::string& out, const TrackResult& result) {
    out += '{';
    key(out, "tracking_code");
    write_string(out, result.tracking_code);
    out += ',';
    key(out, "shipment_id");
    write_id(out, result.shipment_id);
    out += ',';
    key(out, "status");
    write_string(out, to_string(result.status));
    out += ',';
    key(out, "last_event");
    if (result.last_event) {
        write_event(out, *result.last_event);
    } else {
        out += "null";
    }
    out += '}';
}

}  // namespace

void write_string(std::string& out, std::string_view text) {
    out += '"';
    append_json_escaped(out, text);
    out += '"';
}

void write_string(std::string& out, const std::string& text) {
    write_string(out, std::string_view{text});
}

void write_string(std::string& out, const char* text) { write_string(out, std::string_view{text}); }

void write_string(std::string& out, const std::optional<std::string>& text) {
    if (!text) {
        out += "null";
    } else {
        write_string(out, std::string_view{*text});
    }
}

void write_number(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, end);
}

void write_number(std::string& out, const std::optional<double>& value) {
    if (!value) {
        out += "null";
    } else {
        write_number(out, *value);
    }
}

void write_int(std::string& out, long long value) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, end);
}

void write_raw(std::string& out, std::string_view json) {
    if (json.empty()) {
        out += "null";
    } else {
        out += json;
    }
}

void write_address(std::string& out, const Address& a) {
    out += '{';
    key(out, "id");
    write_id(out, a.id);
    out += ',';
    key(out, "name");
    write_string(out, a.name);
    out += ',';
    key(out, "company");
    write_string(out, a.company);
    out += ',';
    key(out, "street1");
    write_string(out, a.street1);
    out += ',';
    key(out, "street2");
    write_string(out, a.street2);
    out += ',';
    key(out, "city");
    write_string(out, a.city);
    out += ',';
    key(out, "state");
    write_string(out, a.state);
    out += ',';
    key(out, "zip");
    write_string(out, a.zip);
    out += ',';
    key(out, "country");
    write_string(out, a.country);
    out += ',';
    key(out, "phone");
    write_string(out, a.phone);
    out += ',';
    key(out, "email");
    write_string(out, a.email);
    out += ',';
    key(out, "residential");
    write_bool(out, a.residential);
    out += ',';
    key(out, "created_at");
    write_timestamp(out, a.created_at);
    out += ',';
    key(out, "updated_at");
    write_timestamp(out, a.updated_at);
    out += '}';
}

void write_parcel(std::string& out, const Parcel& p) {
    out += '{';
    key(out, "id");
    write_id(out, p.id);
    out += ',';
    key(out, "length");
    write_number(out, p.length);
    out += ',';
    key(out, "width");
    write_number(out, p.width);
    out += ',';
    key(out, "height");
    write_number(out, p.height);
    out += ',';
    key(out, "weight");
    write_number(out, p.weight);
    out += ',';
    key(out, "predefined_package");
    write_string(out, p.predefined_package);
    out += '}';
}

void write_rate(std::string& out, const Rate& r) {
    out += '{';
    key(out, "id");
    write_string(out, r.id);
    out += ',';
    key(out, "carrier");
    write_string(out, r.carrier);
    out += ',';
    key(out, "service");
    write_string(out, r.service);
    out += ',';
    key(out, "rate");
    write_string(out, r.rate);
    out += ',';
    key(out, "currency");
    write_string(out, r.currency);
    out += ',';
    key(out, "delivery_days");
    if (r.delivery_days) {
        write_int(out, *r.delivery_days);
    } else {
        out += "null";
    }
    out += ',';
    key(out, "est_delivery_date");
    write_string(out, r.est_delivery_date);
    out += '}';
}

void write_event(std::string& out, const TrackingEvent& e) {
    out += '{';
    key(out, "id");
    write_id(out, e.id);
    out += ',';
    key(out, "shipment_id");
    write_id(out, e.shipment_id);
    out += ',';
    key(out, "status");
    write_string(out, to_string(e.status));
    out += ',';
    key(out, "status_detail");
    write_string(out, e.status_detail);
    out += ',';
    key(out, "message");
    write_string(out, e.message);
    out += ',';
    key(out, "occurred_at");
    write_timestamp(out, e.occurred_at);
    out += ',';
    key(out, "location");
    out += '{';
    key(out, "city");
    write_string(out, e.location.city);
    out += ',';
    key(out, "state");
    write_string(out, e.location.state);
    out += ',';
    key(out, "zip");
    write_string(out, e.location.zip);
    out += ',';
    key(out, "country");
    write_string(out, e.location.country);
    out += "},";
    key(out, "source");
    write_string(out, e.source);
    out += '}';
}

void write_shipment(std::string& out, const Shipment& s) {
    out += '{';
    key(out, "id");
    write_id(out, s.id);
    out += ',';
    key(out, "reference");
    write_string(out, s.reference);
    out += ',';
    key(out, "status");
    write_string(out, to_string(s.status));
    out += ',';
    key(out, "from_address");
    write_address(out, s.from_address);
    out += ',';
    key(out, "to_address");
    write_address(out, s.to_address);
    out += ',';
    key(out, "parcel");
    if (s.parcel) {
        write_parcel(out, *s.parcel);
    } else {
        out += "null";
    }
    out += ',';
    key(out, "rates");
    out += '[';
    for (std::size_t i = 0; i < s.rates.size(); ++i) {
        if (i) out += ',';
        write_rate(out, s.rates[i]);
    }
    out += "],";
    key(out, "selected_rate");
    if (s.selected_rate) {
        write_rate(out, *s.selected_rate);
    } else {
        out += "null";
    }
    out += ',';
    key(out, "carrier");
    write_string(out, s.carrier);
    out += ',';
    key(out, "service");
    write_string(out, s.service);
    out += ',';
    key(out, "tracking_code");
    write_string(out, s.tracking_code);
    out += ',';
    key(out, "label_url");
    write_string(out, s.label_url);
    out += ',';
    key(out, "easypost_id");
    write_string(out, s.easypost_id);
    out += ',';
    key(out, "created_at");
    write_timestamp(out, s.created_at);
    out += ',';
    key(out, "updated_at");
    write_timestamp(out, s.updated_at);
    out += '}';
}

void write_shipments_page(std::string& out, std::span<const Shipment> shipments, bool has_more) {
    out += "{\"shipments\":[";
    for (std::size_t i = 0; i < shipments.size(); ++i) {
        if (i) out += ',';
        write_shipment(out, shipments[i]);
    }
    out += "],\"has_more\":";
    out += has_more ? "true" : "false";
    out += '}';
}

void write_events(std::string& out, std::span<const TrackingEvent> events) {
    out += "{\"events\":[";
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i) out += ',';
        write_event(out, events[i]);
    }
    out += "]}";
}

void write_batch_track(std::string& out, std::span<const TrackResult> results,
                       std::span<const std::string> not_found) {
    out += "{\"results\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i) out += ',';
        write_track_result(out, results[i]);
    }
    out += "],\"not_found\":[";
    for (std::size_t i = 0; i < not_found.size(); ++i) {
        if (i) out += ',';
        write_string(out, std::string_view{not_found[i]});
    }
    out += "]}";
}

void write_import_result(std::string& out, const ImportResult& r) {
    out += "{\"accepted\":";
    write_int(out, static_cast<long long>(r.accepted));
    out += ",\"rejected\":";
    write_int(out, static_cast<long long>(r.rejected));
    out += ",\"created\":[";
    for (std::size_t i = 0; i < r.created.size(); ++i) {
        if (i) out += ',';
        out += "{\"line\":";
        write_int(out, static_cast<long long>(r.created[i].line));
        out += ",\"id\":";
        write_string(out, r.created[i].id);
        out += '}';
    }
    out += "],\"errors\":[";
    for (std::size_t i = 0; i < r.errors.size(); ++i) {
        if (i) out += ',';
        out += "{\"line\":";
        write_int(out, static_cast<long long>(r.errors[i].line));
        out += ",\"code\":";
        write_string(out, r.errors[i].code);
        out += ",\"message\":";
        write_string(out, r.errors[i].message);
        out += '}';
    }
    out += "]}";
}

}  // namespace shipd::domain
