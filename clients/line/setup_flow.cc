// The delivery set-up conversation of the bot: ages → topics → area → consent, through quick
// replies; 「配信停止」 and unfollow delete the profile.
#include <algorithm>

#include "clients/line/bot.h"
#include "clients/line/messages.h"
#include "common/age_bands.h"
#include "common/clock.h"
#include "common/taxonomy.h"

namespace ibasho::line {
namespace {

using nlohmann::json;

// The ages a parent chooses from (the age_band codes of the API; no adults here).
const std::vector<std::pair<std::string, std::string>>& AgeChoices() {
  static const std::vector<std::pair<std::string, std::string>> kChoices = {
      {"preschool", "乳幼児"}, {"elementary", "小学生"}, {"junior_high", "中学生"}, {"high_school", "高校生"}};
  return kChoices;
}

std::string AgeLabel(const std::string& code) {
  for (const auto& [c, label] : AgeChoices())
    if (c == code) return label;
  return code;
}

void Toggle(std::vector<std::string>* values, const std::string& v) {
  auto it = std::find(values->begin(), values->end(), v);
  if (it == values->end())
    values->push_back(v);
  else
    values->erase(it);
}

bool Has(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string Joined(const std::vector<std::string>& values, std::string (*label)(const std::string&), const char* none) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : "・") + label(v);
  return out.empty() ? none : out;
}

std::string TopicLabel(const std::string& code) {
  const char* label = CategoryLabel(code);
  return label ? label : code;
}

std::string Summary(const Selection& s) {
  return "年齢: " + Joined(s.ages, AgeLabel, "すべて") + "\n分野: " + Joined(s.topics, TopicLabel, "すべて") +
         "\n地域: " + (s.area.empty() ? std::string("どこでも") : s.area);
}

json SetupAction(const std::string& label, const std::string& step, const std::string& value = "") {
  return PostbackAction(label, {{"a", "setup"}, {"s", step}, {"v", value}}, label);
}

}  // namespace

json Bot::SetupPrompt(const Profile& p) {
  std::vector<json> actions;
  std::string text;
  if (p.setup_step == "ages") {
    text = "お子さんの年齢を選んでください（いくつでも）。選び終わったら「次へ」。\n選択中: " +
           Joined(p.draft.ages, AgeLabel, "なし（すべての年齢）");
    for (const auto& [code, label] : AgeChoices())
      actions.push_back(SetupAction((Has(p.draft.ages, code) ? "✓ " : "") + label, "age", code));
    actions.push_back(SetupAction("次へ", "next"));
  } else if (p.setup_step == "topics") {
    text = "知りたい分野を選んでください（いくつでも。選ばなければすべての分野）。選び終わったら「次へ」。\n選択中: " +
           Joined(p.draft.topics, TopicLabel, "なし（すべての分野）");
    for (const auto& c : Categories())
      actions.push_back(SetupAction((Has(p.draft.topics, c.code) ? "✓ " : "") + std::string(c.label), "topic", c.code));
    actions.push_back(SetupAction("次へ", "next"));
  } else if (p.setup_step == "area") {
    text = "お住まいの地域を選んでください。";
    StatusOr<json> facets = gateway_->Get("/v1/search?page_size=1");
    if (facets.ok())
      for (const auto& m : facets->value("facets", json::object()).value("municipality", json::array())) {
        if (actions.size() >= 10) break;
        actions.push_back(SetupAction(m.value("value", ""), "area", m.value("value", "")));
      }
    actions.push_back(SetupAction("どこでも", "area", ""));
  } else {
    text =
        "この内容でお届けします。\n" + Summary(p.draft) +
        "\n\n保存するのは LINE のユーザーIDと選んだ内容だけです。「配信設定」でいつでも変更、「配信停止」で停止でき、"
        "停止すると登録内容は削除されます。";
    actions.push_back(SetupAction("同意して登録", "consent"));
  }
  actions.push_back(SetupAction("やめる", "cancel"));
  json message = Text(text);
  AddQuickReplies(&message, actions);
  return json::array({message});
}

json Bot::OnSetup(const std::string& user, const Fields& f, std::string* outcome) {
  auto get = [&](const char* key) {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  const std::string step = get("s"), value = get("v");
  StatusOr<std::optional<Profile>> found = store_->Get(user);
  if (!found.ok()) {
    *outcome = "store failed";
    return json::array({Text("ごめんなさい、いま設定できません。少し時間をおいてお試しください。")});
  }
  Profile p = found->value_or(Profile{});
  p.user_id = user;
  if (step == "start" || p.setup_step.empty()) {
    if (step == "cancel") return json::array({Text("設定は変わっていません。")});
    p.draft = p.consented_at.empty() ? Selection{} : p.active;
    p.setup_step = "ages";
  } else if (step == "age" && p.setup_step == "ages" && FindAgeBand(value)) {
    Toggle(&p.draft.ages, value);
  } else if (step == "topic" && p.setup_step == "topics" && CategoryLabel(value)) {
    Toggle(&p.draft.topics, value);
  } else if (step == "next") {
    p.setup_step = p.setup_step == "ages" ? "topics" : p.setup_step == "topics" ? "area" : p.setup_step;
  } else if (step == "area" && p.setup_step == "area") {
    p.draft.area = value;
    p.setup_step = "confirm";
  } else if (step == "consent" && p.setup_step == "confirm") {
    p.active = p.draft;
    p.draft = Selection{};
    p.setup_step.clear();
    p.consented_at = NowRfc3339();
    if (!store_->Put(p).ok()) {
      *outcome = "store failed";
      return json::array({Text("ごめんなさい、登録できませんでした。少し時間をおいてお試しください。")});
    }
    *outcome = "subscribed";
    json done = Text("登録しました。\n" + Summary(p.active) +
                     "\n\n新着と近日の予定をお届けします。変更は「配信設定」、停止は「配信停止」と送ってください。");
    AddQuickReplies(&done, {MessageAction("配信設定", "配信設定"), MessageAction("配信停止", "配信停止")});
    return json::array({done});
  } else if (step == "cancel") {
    *outcome = "setup cancelled";
    if (p.consented_at.empty()) {
      // Nothing is kept without consent.
      store_->Delete(user);
      return json::array({Text("設定をやめました。登録内容は保存していません。")});
    }
    p.draft = Selection{};
    p.setup_step.clear();
    store_->Put(p);
    return json::array({Text("設定をやめました。これまでの内容でお届けします。\n" + Summary(p.active))});
  }
  // Anything else (an old button tapped) asks the current step again.
  if (!store_->Put(p).ok()) {
    *outcome = "store failed";
    return json::array({Text("ごめんなさい、いま設定できません。少し時間をおいてお試しください。")});
  }
  *outcome = "setup " + p.setup_step;
  return SetupPrompt(p);
}

json Bot::Stop(const std::string& user) {
  Status st = store_->Delete(user);
  return json::array(
      {Text(st.ok() ? "配信を停止し、登録内容を削除しました。また使うときは「配信設定」と送ってください。"
                    : "ごめんなさい、いま停止できませんでした。少し時間をおいてもう一度お送りください。")});
}

}  // namespace ibasho::line
