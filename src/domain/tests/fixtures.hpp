// Small domain objects shared by the domain tests.
#pragma once

#include "domain/types.hpp"

namespace shipd::domain::testing {

/// A stored shipment with every field set, one rate, a selected rate and a parcel.
inline Shipment full_shipment() {
    Shipment s;
    s.id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    s.reference = "order-42";
    s.status = Status::kPreTransit;
    s.from_address = Address{"0193a1b2-0000-7000-8000-000000000001",
                             "Ship \"Co\"",
                             std::nullopt,
                             "1 Main St",
                             std::nullopt,
                             "Springfield",
                             "IL",
                             "62701",
                             "US",
                             "+1 555 0100",
                             "ship@example.com",
                             false,
                             "2026-11-28T09:00:00Z",
                             "2026-11-28T09:00:00.5Z"};
    s.to_address.id = "0193a1b2-0000-7000-8000-000000000002";
    s.to_address.street1 = "2 Elm";
    s.to_address.city = "Köln";
    s.to_address.zip = "50667";
    s.to_address.country = "DE";
    s.to_address.created_at = "2026-11-28T09:00:00Z";
    s.to_address.updated_at = "2026-11-28T09:00:00Z";
    Parcel p;
    p.id = "0193a1b2-0000-7000-8000-000000000003";
    p.length = 10.5;
    p.weight = 16;
    s.parcel = p;
    Rate r{"rate_1", "USPS", "Priority", "7.58", "USD", 2, "2026-11-30"};
    s.rates.push_back(r);
    s.selected_rate = r;
    s.carrier = "USPS";
    s.service = "Priority";
    s.tracking_code = "9400100000000000000000";
    s.label_url = "https://labels.example/1.png";
    s.created_at = "2026-11-28T09:00:00Z";
    s.updated_at = "2026-11-28T09:01:00Z";
    return s;
}

}  // namespace shipd::domain::testing
