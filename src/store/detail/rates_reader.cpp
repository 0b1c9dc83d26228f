// Stored rates back into domain::Rate, read by a Boost.JSON SAX handler: no DOM is built.
// The rules are the ones the DOM reader had (session 6 replaced it; rates_codec_test keeps it
// as the reference): an object per rate; "id", "carrier", "service", "rate" and "currency"
// strings; "delivery_days" an integer or null, "est_delivery_date" a string or null, both
// optional; other members ignored whatever they hold; a repeated member counts by its last
// value; the first problem in that order names the error.
#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <cstdint>
#include <limits>

#include "pg/errors.hpp"
#include "store/detail/codec.hpp"

namespace shipd::store::detail {

namespace json = boost::json;

namespace {

[[noreturn]] void bad_rate(std::string_view why) {
    throw pg::ResultError("stored rate is malformed: " + std::string(why));
}

enum Member : int { kId, kCarrier, kService, kRate, kCurrency, kDeliveryDays, kEstDeliveryDate, kMembers, kOther };
constexpr std::array<std::string_view, kMembers> kNames{"id",       "carrier",       "service",          "rate",
                                                        "currency", "delivery_days", "est_delivery_date"};

Member member_named(std::string_view key) {
    for (int m = 0; m < kMembers; ++m) {
        if (kNames[m] == key) return static_cast<Member>(m);
    }
    return kOther;
}

// What the reader wants at the top: an array of rates (rates_from_json) or one (rate_from_json).
enum class Top { kArray, kObject };

class RatesHandler {
public:
    static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();

    RatesHandler(Top top, std::vector<domain::Rate>& out) : top_(top), rate_depth_(top == Top::kArray ? 2 : 1), out_(out) {}

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }

    bool on_object_begin(boost::system::error_code&) {
        if (failed()) return true;
        if (depth_ == 0 && top_ == Top::kArray) return fail("rates are not an array");
        if (depth_ == rate_depth_) member_is_bad();
        if (++depth_ == rate_depth_) begin_rate();
        return true;
    }
    bool on_object_end(std::size_t, boost::system::error_code&) {
        if (failed()) return true;
        if (depth_-- == rate_depth_) end_rate();
        return true;
    }
    bool on_array_begin(boost::system::error_code&) {
        if (failed()) return true;
        if (depth_ == 0 && top_ == Top::kObject) return fail("not an object");
        if (depth_ == rate_depth_ - 1 && top_ == Top::kArray && depth_ > 0) return fail("not an object");
        if (depth_ == rate_depth_) member_is_bad();
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t, boost::system::error_code&) {
        --depth_;
        return true;
    }

    bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
        if (!failed() && depth_ == rate_depth_) key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
        if (failed() || depth_ != rate_depth_) return true;
        key_.append(s.data(), s.size());
        member_ = member_named(key_);
        key_.clear();
        return true;
    }

    bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
        if (!failed() && wants_text()) text_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
        if (!scalar()) return true;
        if (member_ == kDeliveryDays) return member_is_bad();
        if (member_ == kOther) return true;
        // Whole (the usual case) or the last piece of one that came in several.
        std::string value = text_.empty() ? std::string(s.data(), s.size()) : std::move(text_.append(s.data(), s.size()));
        text_.clear();
        switch (member_) {
            case kId: rate_.id = std::move(value); break;
            case kCarrier: rate_.carrier = std::move(value); break;
            case kService: rate_.service = std::move(value); break;
            case kRate: rate_.rate = std::move(value); break;
            case kCurrency: rate_.currency = std::move(value); break;
            default: rate_.est_delivery_date = std::move(value); break;
        }
        return set(true);
    }
    bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&) {
        if (!scalar() || member_ == kOther) return true;
        if (member_ != kDeliveryDays) return member_is_bad();
        rate_.delivery_days = static_cast<int>(i);
        return set(true);
    }
    bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return other_scalar(); }
    bool on_double(double, json::string_view, boost::system::error_code&) { return other_scalar(); }
    bool on_bool(bool, boost::system::error_code&) { return other_scalar(); }
    bool on_null(boost::system::error_code&) {
        if (!scalar() || member_ == kOther) return true;
        if (member_ == kDeliveryDays) rate_.delivery_days.reset();
        if (member_ == kEstDeliveryDate) rate_.est_delivery_date.reset();
        return set(member_ >= kDeliveryDays);
    }
    bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(json::string_view, boost::system::error_code&) { return true; }

    /// The first problem of shape found (empty: none); told only once the whole text parsed,
    /// since text that is not JSON at all is "not JSON" wherever its first odd shape is.
    std::string_view problem() const { return problem_; }

private:
    bool failed() const { return !problem_.empty(); }
    // Records the first problem; what follows is only parsed (for JSON's own errors).
    bool fail(std::string_view why) {
        if (problem_.empty()) problem_ = why;
        return true;
    }
    // A scalar value arrived: true when it is a member of the rate being read; a document or
    // an array element that is not an object is refused here.
    bool scalar() {
        if (failed()) return false;
        if (depth_ == 0) return !fail(top_ == Top::kArray ? "rates are not an array" : "not an object");
        if (depth_ == rate_depth_ - 1) return !fail("not an object");
        return depth_ == rate_depth_;
    }
    bool wants_text() const { return depth_ == rate_depth_ && member_ != kOther && member_ != kDeliveryDays; }
    bool other_scalar() {
        if (!scalar() || member_ == kOther) return true;
        return member_is_bad();
    }
    bool member_is_bad() { return member_ == kOther ? true : set(false); }
    bool set(bool good) {
        good_[member_] = good;
        seen_[member_] = true;
        member_ = kOther;
        return true;
    }
    void begin_rate() {
        rate_ = domain::Rate{};
        seen_.fill(false);
        good_.fill(false);
        member_ = kOther;
    }
    void end_rate() {
        for (int m = kId; m <= kCurrency; ++m) {
            if (!seen_[m] || !good_[m]) {
                fail(kNames[m]);
                return;
            }
        }
        for (int m = kDeliveryDays; m <= kEstDeliveryDate; ++m) {
            if (seen_[m] && !good_[m]) {
                fail(kNames[m]);
                return;
            }
        }
        out_.push_back(std::move(rate_));
    }

    const Top top_;
    const int rate_depth_;  // containers open while a rate's members arrive
    std::vector<domain::Rate>& out_;
    int depth_ = 0;
    domain::Rate rate_;
    Member member_ = kOther;  // the member whose value comes next
    std::array<bool, kMembers> seen_{};
    std::array<bool, kMembers> good_{};
    std::string key_;   // a key's pieces, when it arrives in several
    std::string text_;  // a string's pieces, when it arrives in several
    std::string_view problem_;
};

std::vector<domain::Rate> read(std::string_view text, Top top) {
    std::vector<domain::Rate> out;
    json::basic_parser<RatesHandler> parser(json::parse_options{}, top, out);
    boost::system::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size()) bad_rate("not JSON");
    if (!parser.handler().problem().empty()) bad_rate(parser.handler().problem());
    return out;
}

}  // namespace

domain::Rate rate_from_json(std::string_view text) {
    auto rates = read(text, Top::kObject);
    return std::move(rates.front());
}

std::vector<domain::Rate> rates_from_json(std::string_view text) { return read(text, Top::kArray); }

}  // namespace shipd::store::detail
