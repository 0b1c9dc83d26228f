// Services: what handlers of one event loop use (its database cluster, the carrier, settings).
#pragma once

#include <functional>
#include <string>

#include "config/settings.hpp"

namespace shipd::pg {
class Cluster;
}

namespace shipd::api {

/// Facts fixed at start-up that /health reports.
struct SchemaInfo {
    int current = 0;  ///< applied revision seen at start (0 when unknown)
    int head = 0;     ///< this binary's newest revision
};

/// Everything a loop's handlers need; owned by app/, one per event loop, outliving its routes.
struct Services {
    pg::Cluster* cluster = nullptr;
    const config::Settings* settings = nullptr;
    SchemaInfo schema;
};

}  // namespace shipd::api
