#include "services/gateway/search_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/json_mapping.h"

namespace ibasho::gateway {
namespace {

// The direct writer must say exactly what the protobuf JSON mapping says.
TEST(SearchJson, SameAsTheProtobufMapping) {
  search::v1::SearchResponse empty;
  EXPECT_EQ(nlohmann::json::parse(SearchResponseJson(empty)), nlohmann::json::parse(ToJson(empty, true)));

  search::v1::SearchResponse r;
  ASSERT_TRUE(ParseJson(R"({"results":[
      {"activity_id":"a_1","group_id":"g_1","title":"石神井 \"小さな\" うち\\n","group_name":"会","summary":"要約\t",
       "snippet":"<mark>不登校</mark>","categories":["futoukou","ibasho"],"municipality":"練馬区","address":"住所",
       "location":{"lat":35.7437,"lon":139.6063},"distance_m":702,"schedule_text":"毎週土曜","ages":{"min":6,"max":15},
       "fee":{"free":true,"amount":0,"text":"無料"},"contact":{"phone":"03","email":"","url":"https://x"},
       "source":"sample","external_id":"s1","updated_at":"t","next_occurrence":"2026-11-28T10:00+09:00"},
      {"activity_id":"a_2","title":"\u0001制御文字"}],
    "facets":{"category":[{"value":"futoukou","label":"不登校","count":3}],"municipality":[],"weekday":[],
              "age_band":[{"value":"elementary","label":"小学生","count":1}],"fee":[]},
    "total":2,"next_page_token":"10",
    "interpretation":{"categories":["futoukou"],"weekdays":["sat"],"municipalities":[],"matched":["行きたくない"],
                      "relaxed":true,"corrected":"フリースクール","language":"en","translated":"フリースクール"},
    "did_you_mean":"フリースクール"})",
                        &r)
                  .ok());
  EXPECT_EQ(nlohmann::json::parse(SearchResponseJson(r)), nlohmann::json::parse(ToJson(r, true)));
}

}  // namespace
}  // namespace ibasho::gateway
