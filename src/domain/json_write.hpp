// JSON writers of API.md's resources: appended straight into a response buffer, no DOM.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/types.hpp"
#include "text/json_escape.hpp"

namespace shipd::domain {

/// Escaping lives in text/ (http/ and log/ use it too).
using text::append_json_escaped;

/// Appends `"text"` (quoted and escaped).
void write_string(std::string& out, std::string_view text);
/// Appends `"text"` (quoted and escaped); the overloads keep string and literal calls unambiguous.
void write_string(std::string& out, const std::string& text);
/// As above.
void write_string(std::string& out, const char* text);
/// Appends `"text"`, or `null` when absent.
void write_string(std::string& out, const std::optional<std::string>& text);
/// Appends the shortest text that reads back as `value` (std::to_chars); `null` when not finite.
void write_number(std::string& out, double value);
/// Appends the number, or `null` when absent.
void write_number(std::string& out, const std::optional<double>& value);
/// Appends a decimal integer.
void write_int(std::string& out, long long value);
/// Appends JSON text as it is: for json/jsonb column text from PostgreSQL, already valid JSON.
/// An empty view is written as `null`.
void write_raw(std::string& out, std::string_view json);

/// {"id","name","company","street1","street2","city","state","zip","country","phone","email",
/// "residential","created_at","updated_at"}; empty id and times as null.
void write_address(std::string& out, const Address& address);
/// {"id","length","width","height","weight","predefined_package"}.
void write_parcel(std::string& out, const Parcel& parcel);
/// {"id","carrier","service","rate","currency","delivery_days","est_delivery_date"}; rate is a
/// JSON string ("7.58").
void write_rate(std::string& out, const Rate& rate);
/// {"id","shipment_id","status","status_detail","message","occurred_at",
/// "location":{"city","state","zip","country"},"source"}.
void write_event(std::string& out, const TrackingEvent& event);
/// The Shipment object of API.md, addresses and parcel nested, parcel null when absent.
void write_shipment(std::string& out, const Shipment& shipment);
/// {"shipments":[...],"has_more":b}.
void write_shipments_page(std::string& out, std::span<const Shipment> shipments, bool has_more);
/// {"events":[...]}.
void write_events(std::string& out, std::span<const TrackingEvent> events);
/// {"results":[{"tracking_code","shipment_id","status","last_event"}],"not_found":[...]}.
void write_batch_track(std::string& out, std::span<const TrackResult> results,
                       std::span<const std::string> not_found);

/// {"accepted":n,"rejected":n,"created":[{"line","id"}],"errors":[{"line","code","message"}]}.
void write_import_result(std::string& out, const ImportResult& result);

}  // namespace shipd::domain
