// Event statements shared by events_store and webhooks_store: the per-column arrays of a batch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/types.hpp"

namespace shipd::store::detail {

/// Columns of a batch of events as text arrays, for unnest().
struct EventArrays {
    using Column = std::vector<std::optional<std::string>>;
    Column status, status_detail, message, occurred_at, city, state, zip, country, source;

    explicit EventArrays(const std::vector<domain::TrackingEvent>& events);
    /// Appends the 9 arrays in the order above.
    void add_to(pg::Params& params) const;
};

}  // namespace shipd::store::detail
