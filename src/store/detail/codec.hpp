// Row decoders and parameter encoders shared by the stores: shipments, addresses, parcels,
// events out of result rows (column order of detail/columns.hpp; timestamps as timestamptz
// text, rewritten by detail/timestamp.hpp), rates as jsonb text, bytea.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "pg/result.hpp"
#include "pg/types.hpp"

namespace shipd::store::detail {

inline constexpr int kAddressColumns = 14;
inline constexpr int kParcelColumns = 6;
inline constexpr int kShipmentColumns = 12 + 2 * kAddressColumns + kParcelColumns;
inline constexpr int kEventColumns = 11;

/// Throws pg::ResultError on a value of the wrong type.
domain::Address decode_address(const pg::Row& row, int first);
/// nullopt when the parcel id column is NULL. Throws pg::ResultError.
std::optional<domain::Parcel> decode_parcel(const pg::Row& row, int first);
/// Throws pg::ResultError (also for rates that are not the JSON shape rates_to_json writes).
domain::Shipment decode_shipment(const pg::Row& row, int first = 0);
/// nullopt when the event id column is NULL. Throws pg::ResultError.
std::optional<domain::TrackingEvent> decode_event(const pg::Row& row, int first);
/// A NOT NULL timestamptz column, selected as is (not through SHIPD_UTC), as the API's RFC 3339
/// UTC text (detail/timestamp.hpp). Throws pg::ResultError on NULL, infinity (to_char made
/// NULL of it) or text that is not DateStyle ISO.
domain::Timestamp decode_timestamp(const pg::Row& row, int column);
/// Status text of the database → Status; throws pg::ResultError on anything else.
domain::Status decode_status(std::string_view text);

/// {"id":..,"carrier":..,"service":..,"rate":..,"currency":..,"delivery_days":..,
/// "est_delivery_date":..} (absent optionals as null).
std::string rate_to_json(const domain::Rate& rate);
/// A JSON array of rate_to_json objects.
std::string rates_to_json(const std::vector<domain::Rate>& rates);
/// The rates a row holds, read without a JSON DOM (detail/rates_reader.cpp, a SAX handler).
/// Throws pg::ResultError on malformed JSON, a missing or mistyped member, or another shape.
domain::Rate rate_from_json(std::string_view json);
std::vector<domain::Rate> rates_from_json(std::string_view json);

/// Bytes → bytea text input ("\x0a1b...").
std::string bytea_param(std::string_view bytes);

/// The parameters of the 11 address columns (name ... residential) in insert order.
void add_address_params(pg::Params& params, const domain::Address& address);

}  // namespace shipd::store::detail
