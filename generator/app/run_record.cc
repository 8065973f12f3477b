#include "app/run_record.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/files.h"

namespace jp {

std::string run_record_json(const RunRecord& r) {
  nlohmann::ordered_json j = {
      {"format", "journalpress-run/1"},
      {"config", r.config},
      {"started", r.started},
      {"finished", r.finished},
      {"seconds", double(static_cast<long long>(r.seconds * 100 + 0.5)) / 100},
      {"exit", r.exit},
      {"status", r.status},
      {"step", r.step},
      {"message", r.message},
      {"detail", r.detail},
      {"published", r.published},
      {"published_to", r.published_to},
      {"students", r.students},
      {"marks", r.marks},
      {"warnings", r.warnings}};
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  for (const auto& o : r.outputs)
    outputs.push_back({{"output", o.output},
                       {"written", o.written},
                       {"unchanged", o.unchanged},
                       {"deleted", o.deleted}});
  j["outputs"] = outputs;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<RunRecord> parse_run_record(const std::string& text, std::string& why) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "not JSON";
    return std::nullopt;
  }
  if (j.value("format", "") != "journalpress-run/1") {
    why = "not a journalpress-run/1 record";
    return std::nullopt;
  }
  RunRecord r;
  try {
    r.config = j.value("config", "");
    r.started = j.value("started", "");
    r.finished = j.value("finished", "");
    r.seconds = j.value("seconds", 0.0);
    r.exit = j.value("exit", 2);
    r.status = j.value("status", "");
    r.step = j.value("step", "");
    r.message = j.value("message", "");
    r.detail = j.value("detail", "");
    r.published = j.value("published", false);
    r.published_to = j.value("published_to", "");
    r.students = j.value("students", size_t(0));
    r.marks = j.value("marks", size_t(0));
    r.warnings = j.value("warnings", size_t(0));
    if (j.contains("outputs") && j["outputs"].is_array())
      for (const auto& o : j["outputs"])
        r.outputs.push_back({o.value("output", ""), o.value("written", size_t(0)),
                             o.value("unchanged", size_t(0)), o.value("deleted", size_t(0))});
  } catch (const nlohmann::json::exception& e) {
    why = std::string("a field of the wrong type: ") + e.what();
    return std::nullopt;
  }
  return r;
}

void write_run_record(const std::string& file, const RunRecord& r) {
  auto parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  write_file_atomic(file, run_record_json(r), 0600);
}

}  // namespace jp
