// Field rules shared by every parser: limits (the database's column sizes), UUIDs, countries,
// e-mail shape, control characters.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shipd::domain {

/// Limits on request fields. String limits count characters (code points), as PostgreSQL's
/// varchar(n) does, and equal the columns of migrations/ so a valid request always fits.
namespace limits {
inline constexpr std::size_t kName = 100;       ///< addresses.name
inline constexpr std::size_t kCompany = 100;    ///< addresses.company
inline constexpr std::size_t kStreet = 200;     ///< addresses.street1 / street2
inline constexpr std::size_t kCity = 100;       ///< addresses.city, shipment_events.city
inline constexpr std::size_t kState = 50;       ///< addresses.state, shipment_events.state
inline constexpr std::size_t kZip = 20;         ///< addresses.zip, shipment_events.zip
inline constexpr std::size_t kPhone = 30;       ///< addresses.phone
inline constexpr std::size_t kEmail = 100;      ///< addresses.email
inline constexpr std::size_t kReference = 100;  ///< shipments.reference
inline constexpr std::size_t kCarrier = 50;     ///< shipments.carrier
inline constexpr std::size_t kService = 100;    ///< shipments.service
inline constexpr std::size_t kTrackingCode = 100;       ///< shipments.tracking_code
inline constexpr std::size_t kPredefinedPackage = 50;   ///< parcels.predefined_package
inline constexpr std::size_t kEventMessage = 500;       ///< shipment_events.message
inline constexpr std::size_t kStatusDetail = 100;       ///< shipment_events.status_detail
inline constexpr std::size_t kWebhookEventId = 100;     ///< webhook_receipts.event_id
inline constexpr std::size_t kRateId = 100;     ///< a rate id sent to /buy
/// Ounces; ~28 t. Bounds the simulated carrier's arithmetic (rates are numeric(12,2)).
inline constexpr double kMaxWeight = 1'000'000;
/// Inches per dimension (~254 m).
inline constexpr double kMaxDimension = 10'000;
/// Events in one POST /v1/shipments/{id}/events.
inline constexpr std::size_t kMaxEvents = 1000;
/// Codes in one batch-track (API.md).
inline constexpr std::size_t kMaxTrackingCodes = 1000;
/// JSON nesting; the deepest valid body (webhook tracking_location) is 5.
inline constexpr std::size_t kMaxJsonDepth = 32;
}  // namespace limits

/// True for a canonical UUID text, 8-4-4-4-12 hex digits (either case, any version).
bool is_uuid(std::string_view text);

/// The upper-case ISO 3166-1 alpha-2 code of `text` ("us" → "US"), or nullopt when `text` is
/// not an assigned code (XK, used by carriers for Kosovo, is accepted).
std::optional<std::string> normalize_country(std::string_view text);

/// A light shape check: one '@', a non-empty local part, a dotted domain, no spaces or
/// control characters. Deliverability is the carrier's business.
bool is_plausible_email(std::string_view text);

/// True when `text` holds a C0 control character or DEL; with `allow_line_breaks`, tab, LF and
/// CR are allowed (free-text fields). NUL is never allowed (PostgreSQL text cannot hold it).
bool has_control_chars(std::string_view text, bool allow_line_breaks = false);

}  // namespace shipd::domain
