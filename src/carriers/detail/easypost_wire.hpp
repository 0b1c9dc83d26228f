// EasyPost's wire format (Boost.JSON): request bodies, Shipment responses, error bodies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "carriers/carrier.hpp"
#include "domain/types.hpp"

namespace shipd::carriers::detail {

/// What shipd reads of an EasyPost Shipment object.
struct EasyPostShipment {
    std::string id;  ///< "shp_..."
    std::vector<domain::Rate> rates;
    std::optional<domain::Rate> selected_rate;
    std::string tracking_code;
    std::string label_url;              ///< postage_label.label_url
    std::vector<std::string> messages;  ///< carriers' rating failures ("messages[].message")
};

/// POST /shipments' body: {"shipment": {"to_address", "from_address", "parcel", "reference"}}.
std::string shipment_request_body(const domain::Shipment& shipment);

/// POST /shipments/{id}/buy's body: {"rate": {"id": rate_id}}.
std::string buy_request_body(std::string_view rate_id);

/// Reads a Shipment response. Throws CarrierError "RESPONSE.INVALID" (with `http_status`) when
/// the body is not JSON or not a Shipment object.
EasyPostShipment parse_shipment(std::string_view body, int http_status);

/// The CarrierError for a non-2xx answer: EasyPost's {"error": {code, message, errors}} when the
/// body has one, else a message naming the status. `what()` is built from shipd's words plus the
/// carrier's code and message, never the raw body. Throws nothing but std::bad_alloc.
CarrierError error_from_response(int http_status, std::string_view body);

}  // namespace shipd::carriers::detail
