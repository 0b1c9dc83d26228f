// The value types of shipd's domain (API.md's resources), plain data: no I/O, no Asio, no libpq.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shipd::domain {

/// A shipment's or tracking event's status (API.md; EasyPost's values).
enum class Status {
    kUnknown,
    kPreTransit,
    kInTransit,
    kOutForDelivery,
    kDelivered,
    kAvailableForPickup,
    kReturnToSender,
    kFailure,
    kCancelled,
    kError,
};

/// "unknown", "pre_transit", ... (the wire and database spelling).
std::string_view to_string(Status status);
/// The status of a wire/database spelling; nullopt for anything else.
std::optional<Status> status_from_string(std::string_view text);

/// Times are RFC 3339 UTC strings ("2026-11-28T09:03:13.188123Z") as the database formats them.
using Timestamp = std::string;

struct Address {
    std::string id;  ///< empty until stored
    std::optional<std::string> name;
    std::optional<std::string> company;
    std::string street1;
    std::optional<std::string> street2;
    std::string city;
    std::optional<std::string> state;
    std::string zip;
    std::string country;  ///< ISO 3166-1 alpha-2, upper case
    std::optional<std::string> phone;
    std::optional<std::string> email;
    std::optional<bool> residential;
    Timestamp created_at;
    Timestamp updated_at;
};

struct Parcel {
    std::string id;  ///< empty until stored
    std::optional<double> length;  ///< inches
    std::optional<double> width;
    std::optional<double> height;
    double weight = 0;  ///< ounces, > 0
    std::optional<std::string> predefined_package;
};

struct Rate {
    std::string id;       ///< stable within its shipment ("rate_..." from the carrier)
    std::string carrier;  ///< "USPS", "UPS", "FedEx"
    std::string service;  ///< "Priority", "Ground", "FEDEX_2_DAY"
    std::string rate;     ///< decimal string, "7.58"
    std::string currency = "USD";
    std::optional<int> delivery_days;
    std::optional<std::string> est_delivery_date;  ///< "2026-12-01"
};

struct Location {
    std::optional<std::string> city;
    std::optional<std::string> state;
    std::optional<std::string> zip;
    std::optional<std::string> country;
};

struct TrackingEvent {
    std::string id;           ///< empty until stored
    std::string shipment_id;  ///< empty until stored
    Status status = Status::kUnknown;
    std::optional<std::string> status_detail;
    std::optional<std::string> message;
    Timestamp occurred_at;
    Location location;
    std::string source = "api";  ///< "api", "carrier", "webhook", "simulated", "import"
};

struct Shipment {
    std::string id;  ///< empty until stored
    std::optional<std::string> reference;
    Status status = Status::kUnknown;
    Address from_address;
    Address to_address;
    std::optional<Parcel> parcel;
    std::vector<Rate> rates;
    std::optional<Rate> selected_rate;
    std::optional<std::string> carrier;
    std::optional<std::string> service;
    std::optional<std::string> tracking_code;
    std::optional<std::string> label_url;
    std::optional<std::string> easypost_id;
    Timestamp created_at;
    Timestamp updated_at;
};

/// One answer of batch-track (API.md): the shipment's current status and newest event.
struct TrackResult {
    std::string tracking_code;
    std::string shipment_id;
    Status status = Status::kUnknown;
    std::optional<TrackingEvent> last_event;
};

/// One stored line of an NDJSON import.
struct ImportCreated {
    std::size_t line = 0;  ///< from 1
    std::string id;        ///< the shipment's id
};

/// One refused line of an NDJSON import.
struct ImportLineError {
    std::size_t line = 0;  ///< from 1
    std::string code;      ///< "VALIDATION_ERROR", "BAD_REQUEST", ...
    std::string message;   ///< every problem of the line
};

/// The answer of POST /v1/imports/shipments (API.md).
struct ImportResult {
    std::size_t accepted = 0;
    std::size_t rejected = 0;
    std::vector<ImportCreated> created;
    std::vector<ImportLineError> errors;
};

}  // namespace shipd::domain
