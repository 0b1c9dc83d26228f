// json_escape: the 8-bytes-at-a-time scan gives what escaping byte by byte gives, for every
// byte value at every position around the word boundaries, and for UTF-8 cut by them.
#include <gtest/gtest.h>

#include <string>

#include "text/json_escape.hpp"
#include "text/utf8.hpp"

namespace shipd::text {
namespace {

// The specification, one byte at a time (what append_json_escaped did before its word scan).
std::string reference(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(text.substr(i));
            if (len == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(text.substr(i, len));
                i += len;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    return out;
}

TEST(JsonEscape, EveryByteAtEveryPositionMatchesTheByteByByteRule) {
    for (std::size_t length = 1; length <= 27; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
            for (int byte = 0; byte < 256; ++byte) {
                std::string text(length, 'a');
                text[at] = static_cast<char>(byte);
                ASSERT_EQ(json_escape(text), reference(text)) << "length " << length << " at " << at << " byte " << byte;
            }
        }
    }
}

TEST(JsonEscape, BytesNextToTheBoundsOfEachTestAreTakenAsPlain) {
    // One below and at each bound the word test uses: 0x1f / 0x20, 0x21 / 0x22 / 0x23,
    // 0x5b / 0x5c / 0x5d, 0x7f / 0x80, in whole words of one value.
    for (int byte : {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff}) {
        for (std::size_t length : {8u, 9u, 16u, 17u, 63u}) {
            const std::string text(length, static_cast<char>(byte));
            ASSERT_EQ(json_escape(text), reference(text)) << "byte " << byte << " length " << length;
        }
    }
}

TEST(JsonEscape, Utf8SequencesAcrossWordBoundariesPassWholeOrBecomeReplacements) {
    const std::string pieces[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x93\xa6", "\xc3", "\xe2\x82", "\xed\xa0\x80"};
    for (const auto& piece : pieces) {
        for (std::size_t before = 0; before <= 17; ++before) {
            const std::string text = std::string(before, 'x') + piece + std::string(9, 'y');
            ASSERT_EQ(json_escape(text), reference(text)) << "before " << before;
        }
    }
    EXPECT_EQ(json_escape("Zoë \xf0\x9f\x93\xa6 \"box\"\n"), "Zoë \xf0\x9f\x93\xa6 \\\"box\\\"\\n");
    EXPECT_EQ(json_escape(std::string(20, 'q') + "\xff"), std::string(20, 'q') + "\\ufffd");
}

TEST(JsonEscape, AppendsToWhatIsThere) {
    std::string out = "{\"k\":\"";
    append_json_escaped(out, "plain text that is longer than a word\t!");
    EXPECT_EQ(out, "{\"k\":\"plain text that is longer than a word\\t!");
}

}  // namespace
}  // namespace shipd::text
