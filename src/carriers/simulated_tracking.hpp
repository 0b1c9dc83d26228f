// The simulated carrier's tracking progression: a pure function from where a shipment is to
// its next tracking event, so a demo "lives" (the lead's scheduler applies it periodically).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "domain/types.hpp"

namespace shipd::carriers {

/// Where a simulated shipment is, as the progression loop reads it from the database.
struct TrackingState {
    domain::Status status = domain::Status::kUnknown;  ///< the shipment's current status
    std::string carrier;                               ///< "USPS", "UPS", "FedEx"
    std::string service;                               ///< decides the number of hub hops
    std::string tracking_code;                         ///< seeds the route; empty: not bought
    domain::Address from_address;                      ///< origin city of the route
    domain::Address to_address;                        ///< destination city of the route
    int in_transit_events = 0;                         ///< in_transit events recorded so far
    std::chrono::system_clock::time_point last_event_at;  ///< occurred_at of the newest event
};

/// The state of a stored shipment (status, carrier, service, code, addresses).
TrackingState tracking_state(const domain::Shipment& shipment, int in_transit_events,
                             std::chrono::system_clock::time_point last_event_at);

/// The next event of a simulated shipment, or nullopt when there is none yet (less than `step`
/// since the last event) or ever (not bought, delivered or another final status).
/// pre_transit → in_transit (origin facility, one to three hubs, destination facility) →
/// out_for_delivery → delivered. The event occurs at last_event_at + step (not at `now`), so
/// the result depends on `now` only through that gate, and a loop that fell behind catches up
/// one step per tick with plausible times. The event's id and shipment_id are left empty;
/// source is "simulated". Throws nothing.
std::optional<domain::TrackingEvent> next_simulated_event(const TrackingState& state,
                                                          std::chrono::system_clock::time_point now,
                                                          std::chrono::seconds step);

/// How many in_transit events the route of `state` has (origin + hubs + destination).
int simulated_route_length(const TrackingState& state);

/// RFC 3339 UTC with seconds ("2026-11-28T09:03:13Z").
std::string format_utc(std::chrono::system_clock::time_point time);

}  // namespace shipd::carriers
