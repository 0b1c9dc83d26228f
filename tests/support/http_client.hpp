// A raw HTTP/1.1 client over loopback for tests: sends any bytes (hostile ones included) and
// reads responses by Content-Length, on one kept-alive connection.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace shipd::testing {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class RawConnection {
public:
    /// Connects to 127.0.0.1:port. Throws std::runtime_error when it cannot.
    explicit RawConnection(int port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// Sends all of `bytes`; false when the peer closed.
    bool send(const std::string& bytes);
    /// Reads one response; nullopt when the connection closed or nothing came within `timeout`.
    std::optional<HttpResponse> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// True when the peer closes the connection within `timeout` (reads and drops anything else).
    bool closed_by_peer(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    int fd_ = -1;
    std::string buffer_;
};

/// One request on a new connection: METHOD target, optional body and extra header lines
/// ("Name: value\r\n" each).
std::optional<HttpResponse> http_request(int port, const std::string& method, const std::string& target,
                                         const std::string& body = {}, const std::string& headers = {});

}  // namespace shipd::testing
