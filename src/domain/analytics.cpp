// JSON writers of the analytics answers.
#include "domain/analytics.hpp"

#include "domain/json_write.hpp"

namespace shipd::domain {

namespace {

void refreshed(std::string& out, const Timestamp& at) {
    out += "{\"refreshed_at\":";
    if (at.empty()) {
        out += "null";
    } else {
        write_string(out, at);
    }
}

void carrier_service(std::string& out, const std::string& carrier, const std::string& service) {
    out += "{\"carrier\":";
    write_string(out, carrier);
    out += ",\"service\":";
    write_string(out, service);
}

}  // namespace

void write_daily_volume(std::string& out, const Timestamp& refreshed_at, const std::string& start_date,
                        const std::string& end_date, const std::optional<std::string>& carrier,
                        std::span<const DailyVolumeRow> rows) {
    out.reserve(out.size() + 128 + rows.size() * 80);
    refreshed(out, refreshed_at);
    out += ",\"start_date\":";
    write_string(out, start_date);
    out += ",\"end_date\":";
    write_string(out, end_date);
    out += ",\"carrier\":";
    write_string(out, carrier);
    out += ",\"daily_volume\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        out += "{\"date\":";
        write_string(out, rows[i].date);
        out += ",\"carrier\":";
        write_string(out, rows[i].carrier);
        out += ",\"status\":";
        write_string(out, rows[i].status);
        out += ",\"shipments\":";
        write_int(out, rows[i].shipments);
        out += '}';
    }
    out += "]}";
}

void write_carrier_performance(std::string& out, const Timestamp& refreshed_at,
                               std::span<const CarrierPerformanceRow> rows) {
    refreshed(out, refreshed_at);
    out += ",\"carrier_performance\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        carrier_service(out, rows[i].carrier, rows[i].service);
        out += ",\"shipments\":";
        write_int(out, rows[i].shipments);
        out += ",\"delivered\":";
        write_int(out, rows[i].delivered);
        out += ",\"mean_transit_days\":";
        write_number(out, rows[i].mean_transit_days);
        out += ",\"p90_transit_days\":";
        write_number(out, rows[i].p90_transit_days);
        out += '}';
    }
    out += "]}";
}

void write_costs(std::string& out, const Timestamp& refreshed_at, std::span<const CostRow> rows) {
    refreshed(out, refreshed_at);
    out += ",\"costs\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        carrier_service(out, rows[i].carrier, rows[i].service);
        out += ",\"currency\":";
        write_string(out, rows[i].currency);
        out += ",\"count\":";
        write_int(out, rows[i].count);
        out += ",\"total\":";
        write_string(out, rows[i].total);
        out += ",\"mean_rate\":";
        write_string(out, rows[i].mean_rate);
        out += '}';
    }
    out += "]}";
}

void write_analytics_refresh(std::string& out, const AnalyticsRefresh& refresh) {
    refreshed(out, refresh.refreshed_at);
    out += ",\"duration_ms\":";
    write_int(out, refresh.duration_ms);
    out += ",\"views\":[";
    for (std::size_t i = 0; i < refresh.views.size(); ++i) {
        if (i) out += ',';
        out += "{\"view\":";
        write_string(out, refresh.views[i].view);
        out += ",\"refreshed_at\":";
        write_string(out, refresh.views[i].refreshed_at);
        out += ",\"duration_ms\":";
        write_int(out, refresh.views[i].duration_ms);
        out += '}';
    }
    out += "]}";
}

}  // namespace shipd::domain
