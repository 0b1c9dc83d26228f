// Server: the HTTP/1.1 listener and its sessions on one event loop (Beast), with named limits,
// keep-alive, a cap on open connections, and graceful shutdown.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace shipd::http {

/// Every limit and timeout of the server, named (config/ fills it from SHIPD_* settings).
struct ServerSettings {
    std::string host = "127.0.0.1";
    int port = 8080;  ///< 0: any free port (see Server::port())
    /// Several loops share one port through SO_REUSEPORT, the kernel spreading connections.
    bool reuse_port = false;
    std::size_t body_limit = 1 << 20;    ///< default request body limit (API.md: 1 MiB)
    std::size_t header_limit = 16 << 10; ///< request line + headers
    /// A client must send a whole request within this (slow clients are cut off); a streamed
    /// body (RouteOptions::stream_body), each piece of it.
    std::chrono::seconds read_timeout{15};
    /// An idle keep-alive connection is closed after this.
    std::chrono::seconds keepalive_timeout{60};
    /// A response must be taken by the client within this.
    std::chrono::seconds write_timeout{30};
    /// Open connections at most; past it a new one gets 503 OVERLOADED and is closed.
    int max_connections = 4096;
    /// Pending connections the kernel queues before accept.
    int backlog = 1024;
};

/// One listener and its sessions on one io_context; not thread-safe (one loop, one server).
class Server {
public:
    /// Binds and listens at once. Throws std::runtime_error naming the address when it cannot
    /// ("127.0.0.1:8080 is already in use: stop the other program or set SHIPD_PORT").
    Server(boost::asio::io_context& loop, ServerSettings settings, const Router& router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Starts accepting (spawns the listener on the loop).
    void start();

    /// Stops accepting, closes idle connections, lets in-flight requests finish and answer
    /// with `Connection: close` within `grace`, then closes whatever is left.
    boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

    /// The bound port (the chosen one when settings.port was 0).
    int port() const;
    /// Connections open right now.
    int open_connections() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace shipd::http
