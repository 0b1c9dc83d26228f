// Admin routes.
#include "api/admin.hpp"

#include "api/database.hpp"
#include "api/request.hpp"
#include "domain/json_write.hpp"
#include "pg/cluster.hpp"
#include "store/admin_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

void add_admin_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/v1/admin/db/connections", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        auto r = co_await store::connection_report(db(services, ctx).read());
        std::string out = "{\"database\":";
        domain::write_string(out, r.database);
        out += ",\"connections\":" + std::to_string(r.total) + ",\"server_connections\":" + std::to_string(r.server_total) +
               ",\"max_connections\":" + std::to_string(r.max_connections) + ",\"by_state\":[";
        for (size_t i = 0; i < r.groups.size(); ++i) {
            if (i) out += ',';
            out += "{\"state\":";
            domain::write_string(out, r.groups[i].state);
            out += ",\"application_name\":";
            domain::write_string(out, r.groups[i].application_name);
            out += ",\"connections\":" + std::to_string(r.groups[i].connections) + "}";
        }
        out += "],\"idle_in_transaction\":[";
        for (size_t i = 0; i < r.idle_in_transaction.size(); ++i) {
            const auto& s = r.idle_in_transaction[i];
            if (i) out += ',';
            out += "{\"pid\":" + std::to_string(s.pid) + ",\"application_name\":";
            domain::write_string(out, s.application_name);
            out += ",\"seconds\":";
            domain::write_number(out, s.seconds);
            out += ",\"query\":";
            domain::write_string(out, s.query);
            out += "}";
        }
        out += "]}";
        co_return json(Status::ok, std::move(out));
    });
}

}  // namespace shipd::api
