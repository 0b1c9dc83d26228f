// Status names.
#include "domain/types.hpp"

#include <array>

namespace shipd::domain {

namespace {
constexpr std::array<std::string_view, 10> kStatusNames = {
    "unknown",   "pre_transit",          "in_transit",       "out_for_delivery", "delivered",
    "available_for_pickup", "return_to_sender", "failure", "cancelled", "error"};
}  // namespace

std::string_view to_string(Status status) { return kStatusNames[static_cast<size_t>(status)]; }

std::optional<Status> status_from_string(std::string_view text) {
    for (size_t i = 0; i < kStatusNames.size(); ++i) {
        if (kStatusNames[i] == text) return static_cast<Status>(i);
    }
    return std::nullopt;
}

}  // namespace shipd::domain
