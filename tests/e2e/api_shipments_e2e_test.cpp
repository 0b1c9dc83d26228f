// The shipments API end to end, over real HTTP against the shipd binary and a real database:
// POST /v1/shipments (bare and wrapped, simulated rates), GET /v1/shipments/{id}, the keyset
// list with its cursors and filters, POST /v1/shipments/{id}/buy. One shipd for the binary;
// every test owns its data through unique references.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

namespace json = boost::json;


json::value create(const std::string& reference) {
    auto r = default_api().post("/v1/shipments", shipment_body(reference));
    EXPECT_EQ(r.status, 201) << r.body;
    return json_of(r);
}

std::vector<std::string> ids_of(const json::value& page) {
    std::vector<std::string> ids;
    if (const auto* list = at(page, "shipments"); list && list->is_array()) {
        for (const auto& s : list->as_array()) ids.push_back(str_at(s, "id"));
    }
    return ids;
}

bool has_more(const json::value& page) {
    const auto* v = at(page, "has_more");
    return v && v->is_bool() && v->as_bool();
}

void expect_error(const HttpResponse& r, int status, const std::string& code, const std::string& field = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    auto v = json_of(r);
    EXPECT_EQ(str_at(v, "error.code"), code) << r.body;
    EXPECT_FALSE(str_at(v, "request_id").empty()) << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty());
    if (!field.empty()) {
        bool named = false;
        if (const auto* errors = at(v, "error.errors"); errors && errors->is_array()) {
            for (const auto& e : errors->as_array()) named = named || str_at(e, "field") == field;
        }
        EXPECT_TRUE(named) << field << " not named in " << r.body;
    }
}

TEST(ApiShipments, CreateBareAnswers201WithTheNineSimulatedRates) {
    std::string ref = unique("bare");
    auto r = default_api().post("/v1/shipments", shipment_body(ref));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u);
    EXPECT_FALSE(r.header("x-request-id").empty());
    auto s = json_of(r);
    EXPECT_EQ(str_at(s, "id").size(), 36u) << r.body;
    EXPECT_EQ(str_at(s, "reference"), ref);
    EXPECT_EQ(str_at(s, "status"), "unknown");
    EXPECT_EQ(str_at(s, "from_address.city"), "San Francisco");
    EXPECT_EQ(str_at(s, "to_address.name"), "Ada Lovelace");
    EXPECT_EQ(str_at(s, "to_address.country"), "US");
    ASSERT_TRUE(at(s, "parcel.weight"));
    EXPECT_DOUBLE_EQ(at(s, "parcel.weight")->to_number<double>(), 21.5);
    EXPECT_TRUE(at(s, "selected_rate") && at(s, "selected_rate")->is_null());
    EXPECT_TRUE(at(s, "tracking_code") && at(s, "tracking_code")->is_null());
    const auto* rates = at(s, "rates");
    ASSERT_TRUE(rates && rates->is_array()) << r.body;
    ASSERT_EQ(rates->as_array().size(), 9u) << r.body;
    std::set<std::string> services;
    for (const auto& rate : rates->as_array()) {
        services.insert(str_at(rate, "carrier") + "/" + str_at(rate, "service"));
        EXPECT_FALSE(str_at(rate, "id").empty());
        EXPECT_FALSE(str_at(rate, "rate").empty()) << "rate is a decimal string: " << json::serialize(rate);
        EXPECT_EQ(str_at(rate, "currency"), "USD");
    }
    std::set<std::string> expected{"USPS/GroundAdvantage", "USPS/Priority",     "USPS/Express",
                                   "UPS/Ground",           "UPS/2ndDayAir",     "UPS/NextDayAir",
                                   "FedEx/FEDEX_GROUND",   "FedEx/FEDEX_2_DAY", "FedEx/STANDARD_OVERNIGHT"};
    EXPECT_EQ(services, expected);
}

TEST(ApiShipments, CreateWrappedIsTheSameAsBare) {
    std::string ref = unique("wrapped");
    auto r = default_api().post("/v1/shipments", "{\"shipment\":" + shipment_body(ref) + "}");
    ASSERT_EQ(r.status, 201) << r.body;
    auto s = json_of(r);
    EXPECT_EQ(str_at(s, "reference"), ref);
    EXPECT_EQ(str_at(s, "to_address.zip"), "10001");
    ASSERT_TRUE(at(s, "rates") && at(s, "rates")->is_array());
    EXPECT_EQ(at(s, "rates")->as_array().size(), 9u);
}

TEST(ApiShipments, CreateListsEveryInvalidFieldAs422) {
    std::string body = R"({"from_address":{"street1":"1 A St","city":"X","zip":"1"},)"
                       R"("to_address":{"street1":"2 B St","city":"Y"},"parcel":{"weight":0}})";
    auto r = default_api().post("/v1/shipments", body);
    expect_error(r, 422, "VALIDATION_ERROR", "to_address.zip");
    expect_error(r, 422, "VALIDATION_ERROR", "parcel.weight");
}

TEST(ApiShipments, GetReturnsTheShipmentWithBothAddressesAndTheParcel) {
    auto created = create(unique("get"));
    std::string id = str_at(created, "id");
    auto r = default_api().get("/v1/shipments/" + id);
    ASSERT_EQ(r.status, 200) << r.body;
    auto s = json_of(r);
    EXPECT_EQ(s, created) << "GET differs from the create answer:\n" << r.body;
    EXPECT_EQ(str_at(s, "from_address.street1"), "417 Montgomery St");
    EXPECT_EQ(str_at(s, "to_address.street1"), "20 W 34th St");
    EXPECT_FALSE(str_at(s, "from_address.id").empty());
    EXPECT_FALSE(str_at(s, "to_address.id").empty());
    EXPECT_FALSE(str_at(s, "parcel.id").empty());
    // Upper-case hex is the same UUID.
    std::string upper = id;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(default_api().get("/v1/shipments/" + upper).status, 200);
}

TEST(ApiShipments, GetOfAWellFormedUnknownIdIs404) {
    expect_error(default_api().get("/v1/shipments/01939b6e-0000-7000-8000-000000000000"), 404, "NOT_FOUND");
}

TEST(ApiShipments, GetOfANonUuidIdIs400NamingIt) {
    expect_error(default_api().get("/v1/shipments/not-a-uuid"), 400, "BAD_REQUEST", "id");
    expect_error(default_api().get("/v1/shipments/01939b6e-0000-7000-8000-00000000000g"), 400, "BAD_REQUEST", "id");
    expect_error(default_api().get("/v1/shipments/%27%3B%20DROP%20TABLE%20shipments%3B--"), 400, "BAD_REQUEST", "id");
}

TEST(ApiShipments, ListIsNewestFirstAndTheCursorsWalkEveryRowExactlyOnce) {
    std::string ref = unique("walk");
    std::vector<std::string> made;  // oldest first
    for (int i = 0; i < 23; ++i) made.push_back(str_at(create(ref), "id"));
    std::vector<std::string> newest_first(made.rbegin(), made.rend());

    // Default page size is 20.
    auto first = json_of(default_api().get("/v1/shipments?reference=" + url_encode(ref)));
    EXPECT_EQ(ids_of(first).size(), 20u);
    EXPECT_TRUE(has_more(first));

    // Forward (older) with before_id, pages of 5.
    std::vector<std::string> walked;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
        std::string target = "/v1/shipments?page_size=5&reference=" + url_encode(ref);
        if (!cursor.empty()) target += "&before_id=" + cursor;
        auto r = default_api().get(target);
        ASSERT_EQ(r.status, 200) << r.body;
        auto page = json_of(r);
        auto ids = ids_of(page);
        ASSERT_FALSE(ids.empty()) << r.body;
        EXPECT_LE(ids.size(), 5u);
        walked.insert(walked.end(), ids.begin(), ids.end());
        cursor = ids.back();
        if (!has_more(page)) break;
    }
    EXPECT_EQ(walked, newest_first);

    // Backward (newer) with after_id from the oldest: pages newest first, each the rows just
    // newer than the cursor.
    std::vector<std::string> back;
    cursor = made.front();
    for (int pages = 0; pages < 10; ++pages) {
        auto r = default_api().get("/v1/shipments?page_size=5&reference=" + url_encode(ref) + "&after_id=" + cursor);
        ASSERT_EQ(r.status, 200) << r.body;
        auto page = json_of(r);
        auto ids = ids_of(page);
        ASSERT_FALSE(ids.empty()) << r.body;
        for (size_t i = 1; i < ids.size(); ++i) {
            EXPECT_GT(std::find(made.begin(), made.end(), ids[i - 1]), std::find(made.begin(), made.end(), ids[i]))
                << "an after_id page is not newest first: " << r.body;
        }
        back.insert(back.begin(), ids.begin(), ids.end());
        cursor = ids.front();
        if (!has_more(page)) break;
    }
    std::vector<std::string> expected_back(newest_first.begin(), newest_first.end() - 1);
    EXPECT_EQ(back, expected_back);

    // The last page says there is no more.
    auto last = json_of(default_api().get("/v1/shipments?page_size=5&reference=" + url_encode(ref) + "&before_id=" + made[1]));
    EXPECT_EQ(ids_of(last), std::vector<std::string>{made[0]});
    EXPECT_FALSE(has_more(last));
}

TEST(ApiShipments, PageSizeBoundsAreOneToOneHundred) {
    std::string ref = unique("pagesize");
    for (int i = 0; i < 2; ++i) create(ref);
    expect_error(default_api().get("/v1/shipments?page_size=0"), 400, "BAD_REQUEST", "page_size");
    expect_error(default_api().get("/v1/shipments?page_size=101"), 400, "BAD_REQUEST", "page_size");
    expect_error(default_api().get("/v1/shipments?page_size=-1"), 400, "BAD_REQUEST", "page_size");
    expect_error(default_api().get("/v1/shipments?page_size=99999999999999999999999"), 400, "BAD_REQUEST", "page_size");
    expect_error(default_api().get("/v1/shipments?page_size=ten"), 400, "BAD_REQUEST", "page_size");
    auto one = default_api().get("/v1/shipments?page_size=1&reference=" + ref);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(ids_of(json_of(one)).size(), 1u);
    EXPECT_TRUE(has_more(json_of(one)));
    auto hundred = default_api().get("/v1/shipments?page_size=100&reference=" + ref);
    ASSERT_EQ(hundred.status, 200) << hundred.body;
    EXPECT_EQ(ids_of(json_of(hundred)).size(), 2u);
    EXPECT_FALSE(has_more(json_of(hundred)));
}

TEST(ApiShipments, BadQueryParametersAre400NamingThem) {
    expect_error(default_api().get("/v1/shipments?status=lost"), 400, "BAD_REQUEST", "status");
    expect_error(default_api().get("/v1/shipments?before_id=nope"), 400, "BAD_REQUEST", "before_id");
    expect_error(default_api().get("/v1/shipments?start_datetime=yesterday"), 400, "BAD_REQUEST", "start_datetime");
    expect_error(default_api().get("/v1/shipments?start_datetime=2026-02-01T00:00:00Z&end_datetime=2026-01-01T00:00:00Z"),
                 400, "BAD_REQUEST");
    expect_error(default_api().get("/v1/shipments?before_id=01939b6e-0000-7000-8000-000000000000&after_id=01939b6e-0000-7000-8000-000000000001"),
                 400, "BAD_REQUEST");
    expect_error(default_api().get("/v1/shipments?page_size=5&page_size=6"), 400, "BAD_REQUEST", "page_size");
}

TEST(ApiShipments, ListFiltersByStatusCarrierTrackingCodeReferenceAndTime) {
    std::string ref = unique("filters");
    auto a = create(ref);
    auto b = create(ref);
    auto c = create(ref);
    std::string bought_id = str_at(b, "id");
    auto bought = default_api().post("/v1/shipments/" + bought_id + "/buy", R"({"carrier":"UPS","service":"Ground"})");
    ASSERT_EQ(bought.status, 200) << bought.body;
    std::string code = str_at(json_of(bought), "tracking_code");
    ASSERT_FALSE(code.empty());
    std::string q = "/v1/shipments?reference=" + url_encode(ref);

    EXPECT_EQ(ids_of(json_of(default_api().get(q))).size(), 3u);
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&status=pre_transit"))), std::vector<std::string>{bought_id});
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&status=unknown"))).size(), 2u);
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&carrier=UPS"))), std::vector<std::string>{bought_id});
    EXPECT_TRUE(ids_of(json_of(default_api().get(q + "&carrier=FedEx"))).empty());
    EXPECT_EQ(ids_of(json_of(default_api().get("/v1/shipments?tracking_code=" + url_encode(code)))),
              std::vector<std::string>{bought_id});
    EXPECT_TRUE(ids_of(json_of(default_api().get("/v1/shipments?reference=" + url_encode(unique("none"))))).empty());

    // start_datetime is inclusive, end_datetime exclusive, on created_at.
    std::string b_at = str_at(b, "created_at");
    ASSERT_FALSE(b_at.empty());
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&start_datetime=" + url_encode(b_at)))),
              (std::vector<std::string>{str_at(c, "id"), bought_id}));
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&end_datetime=" + url_encode(b_at)))),
              std::vector<std::string>{str_at(a, "id")});
    EXPECT_EQ(ids_of(json_of(default_api().get(q + "&start_datetime=" + url_encode(b_at) + "&end_datetime=" +
                                       url_encode(str_at(c, "created_at"))))),
              std::vector<std::string>{bought_id});
    // Offsets are normalised: the same instant in +02:00.
    auto far = default_api().get(q + "&start_datetime=" + url_encode("2999-01-01T02:00:00+02:00"));
    ASSERT_EQ(far.status, 200) << far.body;
    EXPECT_TRUE(ids_of(json_of(far)).empty());
}

TEST(ApiShipments, BuyByRateIdPurchasesAndRecordsOnePreTransitEvent) {
    auto s = create(unique("buy-rate"));
    std::string id = str_at(s, "id");
    std::string rate_id = str_at(s, "rates.1.id");
    ASSERT_FALSE(rate_id.empty());
    auto r = default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":")" + rate_id + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = json_of(r);
    EXPECT_EQ(str_at(b, "id"), id);
    EXPECT_EQ(str_at(b, "status"), "pre_transit");
    EXPECT_EQ(str_at(b, "selected_rate.carrier"), str_at(s, "rates.1.carrier"));
    EXPECT_EQ(str_at(b, "selected_rate.service"), str_at(s, "rates.1.service"));
    EXPECT_EQ(str_at(b, "selected_rate.rate"), str_at(s, "rates.1.rate"));
    EXPECT_EQ(str_at(b, "carrier"), str_at(s, "rates.1.carrier"));
    EXPECT_EQ(str_at(b, "service"), str_at(s, "rates.1.service"));
    EXPECT_FALSE(str_at(b, "tracking_code").empty()) << r.body;
    EXPECT_FALSE(str_at(b, "label_url").empty()) << r.body;

    auto events = default_api().get("/v1/shipments/" + id + "/events");
    ASSERT_EQ(events.status, 200) << events.body;
    auto e = json_of(events);
    ASSERT_TRUE(at(e, "events") && at(e, "events")->is_array()) << events.body;
    ASSERT_EQ(at(e, "events")->as_array().size(), 1u) << events.body;
    EXPECT_EQ(str_at(e, "events.0.status"), "pre_transit");
    EXPECT_EQ(str_at(e, "events.0.shipment_id"), id);

    // GET shows the purchase.
    auto got = json_of(default_api().get("/v1/shipments/" + id));
    EXPECT_EQ(str_at(got, "tracking_code"), str_at(b, "tracking_code"));
    EXPECT_EQ(str_at(got, "status"), "pre_transit");

    // Buying twice is a state conflict, whichever form.
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":")" + rate_id + R"("}})"), 409, "CONFLICT");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"USPS","service":"Priority"})"), 409, "CONFLICT");
    EXPECT_EQ(at(json_of(default_api().get("/v1/shipments/" + id + "/events")), "events")->as_array().size(), 1u);
}

// The selected_rate of a purchase is the rate bought, as quoted (one of the shipment's rates).
TEST(ApiShipments, SelectedRateIsTheRateBought) {
    auto s = create(unique("buy-selected"));
    std::string id = str_at(s, "id");
    std::string rate_id = str_at(s, "rates.4.id");
    auto r = default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":")" + rate_id + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = json_of(r);
    EXPECT_EQ(str_at(b, "selected_rate.id"), rate_id) << r.body;
    bool among_rates = false;
    for (const auto& rate : at(b, "rates")->as_array()) among_rates = among_rates || str_at(rate, "id") == str_at(b, "selected_rate.id");
    EXPECT_TRUE(among_rates) << "selected_rate is none of the shipment's rates: " << r.body;
}

TEST(ApiShipments, BuyByCarrierAndService) {
    auto s = create(unique("buy-service"));
    std::string id = str_at(s, "id");
    auto r = default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"FedEx","service":"FEDEX_2_DAY"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = json_of(r);
    EXPECT_EQ(str_at(b, "carrier"), "FedEx");
    EXPECT_EQ(str_at(b, "service"), "FEDEX_2_DAY");
    EXPECT_EQ(str_at(b, "selected_rate.service"), "FEDEX_2_DAY");
    EXPECT_EQ(str_at(b, "status"), "pre_transit");
    EXPECT_FALSE(str_at(b, "tracking_code").empty());
    EXPECT_FALSE(str_at(b, "label_url").empty());
}

TEST(ApiShipments, BuyRefusals) {
    auto s = create(unique("buy-bad"));
    std::string id = str_at(s, "id");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":"rate_nope"}})"), 422,
                 "VALIDATION_ERROR", "rate.id");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"DHL","service":"Express"})"), 422,
                 "VALIDATION_ERROR");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({})"), 422, "VALIDATION_ERROR");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":"x"},"carrier":"UPS","service":"Ground"})"),
                 422, "VALIDATION_ERROR");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"rate":"x"})"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments/01939b6e-0000-7000-8000-000000000000/buy", R"({"carrier":"UPS","service":"Ground"})"),
                 404, "NOT_FOUND");
    expect_error(default_api().post("/v1/shipments/xyz/buy", R"({"carrier":"UPS","service":"Ground"})"), 400, "BAD_REQUEST", "id");
    // Nothing was bought by the refusals.
    auto got = json_of(default_api().get("/v1/shipments/" + id));
    EXPECT_EQ(str_at(got, "status"), "unknown");
    EXPECT_TRUE(at(got, "selected_rate")->is_null());
}

}  // namespace
}  // namespace shipd::testing
