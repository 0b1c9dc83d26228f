// EasyPost's JSON: built and read with Boost.JSON (the one JSON unit of carriers/).
#include "carriers/detail/easypost_wire.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace shipd::carriers::detail {

namespace json = boost::json;

namespace {

void put(json::object& o, std::string_view key, const std::optional<std::string>& v) {
    if (v) o[key] = *v;
}
void put(json::object& o, std::string_view key, const std::string& v) {
    if (!v.empty()) o[key] = v;
}
void put(json::object& o, std::string_view key, const std::optional<double>& v) {
    if (v) o[key] = *v;
}

json::object address_json(const domain::Address& a) {
    json::object o;
    put(o, "name", a.name);
    put(o, "company", a.company);
    put(o, "street1", a.street1);
    put(o, "street2", a.street2);
    put(o, "city", a.city);
    put(o, "state", a.state);
    put(o, "zip", a.zip);
    put(o, "country", a.country);
    put(o, "phone", a.phone);
    put(o, "email", a.email);
    if (a.residential) o["residential"] = *a.residential;
    return o;
}

json::object parcel_json(const domain::Parcel& p) {
    json::object o;
    put(o, "length", p.length);
    put(o, "width", p.width);
    put(o, "height", p.height);
    o["weight"] = p.weight;
    put(o, "predefined_package", p.predefined_package);
    return o;
}

std::string string_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return {};
    if (auto* s = v->if_string()) return std::string(*s);
    return {};
}

// EasyPost sends money as strings ("7.58"); tolerate numbers.
std::string money_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return {};
    if (auto* s = v->if_string()) return std::string(*s);
    if (v->is_number()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f", v->to_number<double>());
        return buf;
    }
    return {};
}

domain::Rate rate_from(const json::object& o) {
    domain::Rate r;
    r.id = string_at(o, "id");
    r.carrier = string_at(o, "carrier");
    r.service = string_at(o, "service");
    r.rate = money_at(o, "rate");
    std::string currency = string_at(o, "currency");
    if (!currency.empty()) r.currency = currency;
    if (auto* d = o.if_contains("delivery_days"); d && d->is_number()) {
        r.delivery_days = static_cast<int>(d->to_number<double>());
    }
    // EasyPost sends a date-time ("2026-03-05T00:00:00Z") or null; shipd keeps the date.
    std::string est = string_at(o, "est_delivery_date");
    if (est.size() >= 10) r.est_delivery_date = est.substr(0, 10);
    return r;
}

CarrierError invalid(int http_status, const std::string& why) {
    return CarrierError("EasyPost sent a response shipd cannot read (" + why + ")", http_status,
                        "RESPONSE.INVALID");
}

}  // namespace

std::string shipment_request_body(const domain::Shipment& shipment) {
    json::object s;
    s["to_address"] = address_json(shipment.to_address);
    s["from_address"] = address_json(shipment.from_address);
    if (shipment.parcel) s["parcel"] = parcel_json(*shipment.parcel);
    put(s, "reference", shipment.reference);
    json::object root;
    root["shipment"] = std::move(s);
    return json::serialize(root);
}

std::string buy_request_body(std::string_view rate_id) {
    json::object rate;
    rate["id"] = rate_id;
    json::object root;
    root["rate"] = std::move(rate);
    return json::serialize(root);
}

EasyPostShipment parse_shipment(std::string_view body, int http_status) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) throw invalid(http_status, "not JSON");
    const json::object* o = v.if_object();
    if (!o) throw invalid(http_status, "not an object");
    EasyPostShipment s;
    s.id = string_at(*o, "id");
    if (s.id.empty()) throw invalid(http_status, "no shipment id");
    if (auto* rates = o->if_contains("rates"); rates && rates->is_array()) {
        for (const auto& r : rates->get_array()) {
            if (auto* ro = r.if_object()) s.rates.push_back(rate_from(*ro));
        }
    }
    if (auto* sel = o->if_contains("selected_rate"); sel && sel->is_object()) {
        s.selected_rate = rate_from(sel->get_object());
    }
    s.tracking_code = string_at(*o, "tracking_code");
    if (auto* label = o->if_contains("postage_label"); label && label->is_object()) {
        s.label_url = string_at(label->get_object(), "label_url");
    }
    if (auto* messages = o->if_contains("messages"); messages && messages->is_array()) {
        for (const auto& m : messages->get_array()) {
            if (auto* mo = m.if_object()) {
                std::string text = string_at(*mo, "message");
                std::string carrier = string_at(*mo, "carrier");
                if (!text.empty()) s.messages.push_back(carrier.empty() ? text : carrier + ": " + text);
            }
        }
    }
    return s;
}

CarrierError error_from_response(int http_status, std::string_view body) {
    std::string code, message;
    std::vector<CarrierFieldError> errors;
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    const json::object* error = nullptr;
    if (!ec && v.is_object()) {
        if (auto* e = v.get_object().if_contains("error"); e && e->is_object()) error = &e->get_object();
    }
    if (error) {
        code = string_at(*error, "code");
        message = string_at(*error, "message");
        if (auto* list = error->if_contains("errors"); list && list->is_array()) {
            for (const auto& item : list->get_array()) {
                if (auto* io = item.if_object()) {
                    CarrierFieldError fe{string_at(*io, "field"), string_at(*io, "message")};
                    // Some endpoints list bare strings, some {field, message} objects.
                    if (fe.message.empty()) {
                        if (auto* m = io->if_contains("message"); m && m->is_array() && !m->get_array().empty() &&
                                                              m->get_array()[0].is_string()) {
                            fe.message = std::string(m->get_array()[0].get_string());
                        }
                    }
                    errors.push_back(std::move(fe));
                } else if (auto* is = item.if_string()) {
                    errors.push_back({{}, std::string(*is)});
                }
            }
        }
    }
    std::string what = "EasyPost answered HTTP " + std::to_string(http_status);
    if (!code.empty()) what += " " + code;
    if (!message.empty()) what += ": " + message;
    for (const auto& fe : errors) {
        what += (&fe == &errors.front() ? " (" : "; ");
        what += fe.field.empty() ? fe.message : fe.field + " " + fe.message;
        if (&fe == &errors.back()) what += ")";
    }
    return CarrierError(what, http_status, std::move(code), std::move(message), std::move(errors));
}

}  // namespace shipd::carriers::detail
