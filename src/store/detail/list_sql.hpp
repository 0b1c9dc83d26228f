// The query text list_shipments runs for a filter (for EXPLAIN in tests and by hand).
#pragma once

#include <string>

#include "store/shipments_store.hpp"

namespace shipd::store::detail {

/// The statement for `filter`'s combination of filters and cursor; its parameters are, in
/// order: status, carrier, tracking_code, reference, start, end (those set), the cursor id
/// (when set), page_size + 1.
const std::string& list_shipments_sql(const ListFilter& filter);

}  // namespace shipd::store::detail
