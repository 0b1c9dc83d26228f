// Parsers of API.md's request bodies: JSON text in, domain values or every problem out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/parsed.hpp"
#include "domain/types.hpp"

namespace shipd::domain {

/// POST /v1/shipments, bare or wrapped as {"shipment": {...}}: reference, from_address,
/// to_address (both required, inline) and parcel (required: rates need a weight). Returns a
/// Shipment with no id, no rates, status unknown. Address country defaults to "US" when absent
/// and is normalised to upper case; unknown members (carrier_accounts, options, ...) are
/// ignored, as EasyPost does; a duplicate key keeps its last value. Never throws.
Parsed<Shipment> parse_create_shipment(std::string_view body);

/// One NDJSON line of POST /v1/imports/shipments: parse_create_shipment's shape, but parcel
/// may be absent (imported shipments are stored without rates). Never throws.
Parsed<Shipment> parse_import_line(std::string_view line);

/// The body of POST /v1/shipments/{id}/buy: exactly one of a rate id or a carrier + service.
struct BuyRequest {
    std::optional<std::string> rate_id;  ///< {"rate": {"id": "rate_..."}}
    std::optional<std::string> carrier;  ///< {"carrier": "USPS", "service": "Priority"}
    std::optional<std::string> service;
};

/// POST /v1/shipments/{id}/buy: {"rate": {"id": ...}} or {"carrier": ..., "service": ...};
/// both forms at once, or neither, is a 422. Never throws.
Parsed<BuyRequest> parse_buy(std::string_view body);

/// POST /v1/shipments/{id}/events: {"events": [...]}, 1 to limits::kMaxEvents events, each
/// with status (one of the ten), occurred_at (RFC 3339, normalised to UTC), and optional
/// message, status_detail, location {city, state, zip, country}. Events come back with
/// source "api", no ids. Never throws.
Parsed<std::vector<TrackingEvent>> parse_events(std::string_view body);

/// POST /v1/shipments/batch-track: {"tracking_codes": [...]}, 1 to limits::kMaxTrackingCodes
/// non-empty strings of at most limits::kTrackingCode characters, in request order
/// (duplicates kept: each is answered). Never throws.
Parsed<std::vector<std::string>> parse_batch_track(std::string_view body);

}  // namespace shipd::domain
