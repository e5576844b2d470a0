#include "services/gateway/guide_page.h"

#include <gtest/gtest.h>

#include <filesystem>
#include "services/gateway/qr_svg.h"
#include "services/gateway/web_assets.h"

#include "testing/test_util.h"

namespace ibasho::gateway {
namespace {

TEST(Guide, TownIsTheNameBetweenMunicipalityAndBlockNumber) {
  const struct {
    const char* address;
    const char* municipality;
    const char* town;
  } cases[] = {
      {"東京都練馬区光が丘7-3-1", "練馬区", "光が丘"},
      {"東京都練馬区豊玉北6-12-1", "練馬区", "豊玉北"},
      {"練馬区大泉学園町５－６－17", "練馬区", "大泉学園町"},
      {"東京都練馬区光が丘七丁目3番1号", "練馬区", "光が丘"},
      {"東京都練馬区石神井町 (石神井公園内)", "練馬区", "石神井町"},
      {"京都府京都市中京区1-1", "京都市中京区", ""},
      {"", "練馬区", ""},
      {"東京都新宿区西新宿2-8-1", "練馬区", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(TownOf(c.address, c.municipality), c.town) << c.address;
}

search::v1::SearchResult Listing(const char* id, const char* title, const char* category, const char* address) {
  search::v1::SearchResult r;
  r.set_activity_id(id);
  r.set_title(title);
  r.add_categories(category);
  r.set_municipality("練馬区");
  r.set_address(address);
  r.set_schedule_text("毎週土曜 12:00〜14:00");
  r.mutable_contact()->set_phone("03-1234-5678");
  return r;
}

TEST(Guide, GroupsByAreaThenCategoryWithQrCodesToEachPage) {
  GuideOptions options;
  options.public_url = "https://ibasho.example.jp";
  options.generated_on = "2026-12-04";
  std::string html = RenderGuide({Listing("a1", "光が丘食堂", "kodomo_shokudo", "東京都練馬区光が丘7-3-1"),
                                  Listing("a2", "大泉の居場所", "ibasho", "東京都練馬区大泉学園町5-6-17"),
                                  Listing("a3", "光が丘の学び", "gakushu", "東京都練馬区光が丘2-9-6")},
                                 options);
  // The area heading a listing sits under: the last <h2> before it.
  auto area_of = [&](const std::string& title) {
    size_t h2 = html.rfind("<h2>", html.find("<h4>" + title + "</h4>"));
    return h2 == std::string::npos ? "" : html.substr(h2 + 4, html.find("</h2>", h2) - h2 - 4);
  };
  EXPECT_EQ(area_of("光が丘食堂"), "練馬区 光が丘");
  EXPECT_EQ(area_of("光が丘の学び"), "練馬区 光が丘");
  EXPECT_EQ(area_of("大泉の居場所"), "練馬区 大泉学園町");
  const size_t hikari = html.find("<h2>練馬区 光が丘</h2>");
  EXPECT_EQ(html.find("<h2>練馬区 光が丘</h2>", hikari + 1), std::string::npos);  // each area once
  // Within 光が丘: 学習支援 comes before こども食堂 in the taxonomy's order.
  EXPECT_LT(html.find("<h3>学習支援</h3>", hikari), html.find("<h3>こども食堂・フードパントリー</h3>", hikari));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  size_t qr_count = 0;
  for (size_t at = 0; (at = html.find("<svg", at)) != std::string::npos; ++at) ++qr_count;
  EXPECT_EQ(qr_count, 3u);
  EXPECT_NE(html.find("https://ibasho.example.jp/a/a1"), std::string::npos);
  EXPECT_NE(html.find("03-1234-5678"), std::string::npos);
  EXPECT_NE(html.find("<style>" + GuideStyle() + "</style>"), std::string::npos);
}

TEST(Guide, EscapesListingText) {
  GuideOptions options;
  options.public_url = "https://x";
  std::string html = RenderGuide({Listing("a1", "<script>alert(1)</script>", "event", "練馬区")}, options);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(Guide, EmptyGuideSaysSo) {
  std::string html = RenderGuide({}, GuideOptions{});
  EXPECT_NE(html.find("この条件に合う掲載はありません"), std::string::npos);
}

TEST(QrSvg, EncodesAUrlAsSquaresInsideAQuietZone) {
  auto svg = QrSvg("https://ibasho.example.jp/a/a_0123456789ab", "label & more");
  ASSERT_TRUE(svg.has_value());
  EXPECT_TRUE(svg->starts_with("<svg"));
  EXPECT_NE(svg->find("aria-label=\"label &amp; more\""), std::string::npos);
  // Version 3 (29 modules) for a URL this long at level M, plus 4 modules each side.
  EXPECT_NE(svg->find("viewBox=\"0 0 37 37\""), std::string::npos);
  // The three finder patterns start at the quiet zone's corner.
  EXPECT_NE(svg->find("M4 4h1v1h-1z"), std::string::npos);
}

TEST(QrSvg, TooLongForAQrCode) { EXPECT_FALSE(QrSvg(std::string(5000, 'x'), "x").has_value()); }

TEST(WebAssets, LoadsThePageWithItsConfigurationAndTheAssets) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("assets"));
  testing::WriteFile(dir.File("index.html"),
                     "<html><head><meta name=\"ibasho-config\" content=\"{}\"><title>t</title></head></html>");
  testing::WriteFile(dir.File("assets/index-abc.js"), "console.log(1)");
  testing::WriteFile(dir.File("favicon.svg"), "<svg/>");
  auto web = WebAssets::Load(dir.path(), R"({"tile_url":"https://t/{z}/{x}/{y}.png"})");
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  ASSERT_NE(web->Page(), nullptr);
  EXPECT_NE(web->Page()->body.find("content=\"{&quot;tile_url&quot;:&quot;https://t/{z}/{x}/{y}.png&quot;}\""),
            std::string::npos);
  const WebAsset* js = web->Find("/assets/index-abc.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->immutable);
  const WebAsset* icon = web->Find("/favicon.svg");
  ASSERT_NE(icon, nullptr);
  EXPECT_FALSE(icon->immutable);
  EXPECT_EQ(web->Find("/index.html"), nullptr);
  EXPECT_EQ(web->Find("/assets/missing.js"), nullptr);
}

TEST(WebAssets, MissingPageIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(WebAssets::Load(dir.path(), "{}").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ibasho::gateway
