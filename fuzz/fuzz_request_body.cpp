// libFuzzer target: every request parser of domain/ on arbitrary bytes, and the writers'
// promise that whatever they write is valid JSON that reads back as what was parsed.
#include <boost/json.hpp>
#include <boost/json/src.hpp>  // Boost.JSON compiled here, instrumented with the rest
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "domain/json_write.hpp"
#include "domain/ndjson.hpp"
#include "domain/parse.hpp"
#include "domain/query.hpp"
#include "domain/timestamp.hpp"
#include "text/utf8.hpp"
#include "domain/validate.hpp"
#include "domain/webhook_event.hpp"

namespace {

using namespace shipd::domain;

[[noreturn]] void fail(const char* what, std::string_view detail) {
    std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

// Every writer's output must be JSON that Boost.JSON accepts with its default (strict) options.
boost::json::value must_reparse(const std::string& out, const char* what) {
    std::error_code ec;
    auto value = boost::json::parse(out, ec);
    if (ec) fail(what, out);
    return value;
}

template <class T>
void check_failure_shape(const Parsed<T>& parsed, const char* what) {
    if (parsed.ok() != (parsed.failure == Failure::kNone)) fail(what, "ok() and failure disagree");
    if (!parsed.ok() && parsed.message.empty()) fail(what, "a failure without a message");
    if (parsed.failure == Failure::kValidation && parsed.problems.empty()) {
        fail(what, "a 422 without problems");
    }
    for (const auto& p : parsed.problems) {
        if (p.field.empty() || p.message.empty()) fail(what, "a problem without field or message");
    }
}

void check_string_round_trip(const std::string& text, const char* what) {
    if (!shipd::text::is_valid_utf8(text)) fail(what, "parsed text is not UTF-8");
    std::string out;
    write_string(out, text);
    auto back = must_reparse(out, what);
    if (!back.is_string() || std::string_view(back.get_string()) != text) fail(what, out);
}

void check_shipment(const Parsed<Shipment>& parsed, const char* what) {
    check_failure_shape(parsed, what);
    if (!parsed.ok()) return;
    const Shipment& s = *parsed.value;
    std::string out;
    write_shipment(out, s);
    must_reparse(out, what);
    if (s.reference) check_string_round_trip(*s.reference, what);
    for (const Address* a : {&s.from_address, &s.to_address}) {
        check_string_round_trip(a->street1, what);
        check_string_round_trip(a->city, what);
        if (!normalize_country(a->country)) fail(what, "country not normalised");
        if (a->name) check_string_round_trip(*a->name, what);
    }
    if (s.parcel && !(s.parcel->weight > 0)) fail(what, "parcel weight not > 0");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    check_shipment(parse_create_shipment(input), "parse_create_shipment");
    check_shipment(parse_import_line(input), "parse_import_line");

    auto buy = parse_buy(input);
    check_failure_shape(buy, "parse_buy");
    if (buy.ok() && buy.value->rate_id.has_value() == buy.value->carrier.has_value()) {
        fail("parse_buy", "neither or both forms");
    }

    auto events = parse_events(input);
    check_failure_shape(events, "parse_events");
    if (events.ok()) {
        std::string out;
        write_events(out, *events.value);
        must_reparse(out, "write_events");
        for (const auto& e : *events.value) {
            if (parse_rfc3339(e.occurred_at) != e.occurred_at) fail("occurred_at", e.occurred_at);
        }
    }

    auto codes = parse_batch_track(input);
    check_failure_shape(codes, "parse_batch_track");
    if (codes.ok()) {
        std::string out;
        write_batch_track(out, {}, *codes.value);
        must_reparse(out, "write_batch_track");
    }

    auto hook = parse_webhook_event(input);
    check_failure_shape(hook, "parse_webhook_event");
    if (hook.ok()) {
        std::string out;
        write_events(out, hook.value->events);
        must_reparse(out, "webhook events");
    }

    auto query = parse_list_query(input);
    check_failure_shape(query, "parse_list_query");
    if (query.ok()) {
        const ListQuery& q = *query.value;
        if (q.page_size < 1 || q.page_size > kMaxPageSize) fail("page_size", input);
        if (q.before_id && !is_uuid(*q.before_id)) fail("before_id", input);
    }

    // Times normalise to a fixed point.
    if (auto utc = parse_rfc3339(input)) {
        if (parse_rfc3339(*utc) != utc) fail("parse_rfc3339 not idempotent", *utc);
    }
    if (auto decoded = percent_decode(input)) {
        if (!shipd::text::is_valid_utf8(*decoded)) fail("percent_decode", input);
    }

    // The escaper makes valid JSON of any bytes, and keeps valid UTF-8 as it is.
    {
        std::string out;
        write_string(out, input);
        auto back = must_reparse(out, "write_string");
        if (shipd::text::is_valid_utf8(input) && std::string_view(back.get_string()) != input) {
            fail("write_string changed valid UTF-8", input);
        }
    }

    // NDJSON: the same lines whether the body arrives whole or in two pieces.
    {
        auto lines = [&](std::size_t cut) {
            NdjsonSplitter splitter(64);
            std::string joined;
            auto drain = [&] {
                while (auto line = splitter.next()) {
                    joined += std::to_string(line->number);
                    joined += line->too_long ? "!" : ":";
                    joined += line->text;
                    joined += '\n';
                }
            };
            splitter.feed(input.substr(0, cut));
            drain();
            splitter.feed(input.substr(cut));
            drain();
            splitter.finish();
            drain();
            return joined;
        };
        if (lines(size / 2) != lines(size)) fail("NdjsonSplitter depends on chunking", input);
    }
    return 0;
}
