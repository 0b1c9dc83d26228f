// The JSON of the admin routes.
#include "api/admin_json.hpp"

#include "domain/json_write.hpp"

namespace shipd::api {

namespace {

void write_capacity(std::string& out, const pg::capacity::Plan& plan, const store::ServerFigures& server) {
    using domain::write_int;
    auto figures = capacity_figures(server);
    auto b = pg::capacity::assess(plan, figures);
    out += "{\"max_connections\":";
    write_int(out, figures.max_connections);
    out += ",\"reserved\":";
    write_int(out, figures.reserved);
    out += ",\"others\":";
    write_int(out, figures.others);
    out += ',';
    write_budget_members(out, b);
    out += ",\"summary\":";
    domain::write_string(out, pg::capacity::verdict_line(plan, figures));
    out += ",\"loops\":";
    write_int(out, plan.loops);
    out += ",\"instances\":";
    write_int(out, plan.instances);
    out += ",\"pools\":[";
    for (std::size_t i = 0; i < plan.pools.size(); ++i) {
        const auto& p = plan.pools[i];
        if (i) out += ',';
        out += "{\"name\":";
        domain::write_string(out, p.name);
        out += ",\"size\":";
        write_int(out, static_cast<long long>(p.size));
        out += ",\"max_overflow\":";
        write_int(out, static_cast<long long>(p.max_overflow));
        out += ",\"max_per_loop\":";
        write_int(out, static_cast<long long>(p.max()));
        out += '}';
    }
    out += "]}";
}

}  // namespace

pg::capacity::ServerFigures capacity_figures(const store::ServerFigures& server) {
    return {server.max_connections, server.reserved, server.others};
}

void write_budget_members(std::string& out, const pg::capacity::Budget& b) {
    using domain::write_int;
    out += "\"available\":";
    write_int(out, b.available);
    out += ",\"planned\":";
    write_int(out, b.planned);
    out += ",\"margin\":";
    write_int(out, b.margin);
    out += ",\"margin_percent\":";
    domain::write_number(out, static_cast<double>(static_cast<long long>(b.margin_percent * 10.0)) / 10.0);
    out += ",\"verdict\":";
    domain::write_string(out, pg::capacity::verdict_name(b.verdict));
}

std::string connections_json(const store::ConnectionReport& r, const pg::capacity::Plan& plan,
                             const store::ServerFigures& server) {
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
    out += "],\"capacity\":";
    write_capacity(out, plan, server);
    out += '}';
    return out;
}

std::string slow_queries_json(const store::SlowQueries& slow, int limit) {
    std::string out = "{\"available\":";
    out += slow.available ? "true" : "false";
    out += ",\"database\":";
    domain::write_string(out, slow.database);
    if (!slow.available) {
        out += ",\"reason\":";
        domain::write_string(out, slow.reason);
        out += ",\"fix\":";
        domain::write_string(out, slow.fix);
    }
    out += ",\"limit\":";
    domain::write_int(out, limit);
    out += ",\"statements\":[";
    for (std::size_t i = 0; i < slow.statements.size(); ++i) {
        const auto& s = slow.statements[i];
        if (i) out += ',';
        out += "{\"query_id\":";
        domain::write_string(out, s.query_id);
        out += ",\"query\":";
        domain::write_string(out, s.query);
        out += ",\"calls\":";
        domain::write_int(out, s.calls);
        out += ",\"mean_ms\":";
        domain::write_number(out, s.mean_ms);
        out += ",\"total_ms\":";
        domain::write_number(out, s.total_ms);
        out += ",\"rows\":";
        domain::write_int(out, s.rows);
        out += '}';
    }
    out += "]}";
    return out;
}

}  // namespace shipd::api
