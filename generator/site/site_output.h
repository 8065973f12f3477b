// Output 1 as an `Output` (publish/output.h): the site and private/access.csv, up to date
// when the journal, the date, the keys and the templates are those of the last build.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <utility>

#include "figures/new_since.h"
#include "publish/output.h"
#include "store/build_state.h"

namespace jp {

struct SiteSettings {
  std::string site_key;  ///< raw key bytes (core/keys.h)
  std::string base_url;  ///< the public address of site/ ("" if unknown)
  std::string school_id;
  /// Encrypted mode (docs/site.md): pages sealed under each family's key; `feeds`: each
  /// area's calendar and feed (readable by the host in encrypted mode, so off unless asked).
  bool encrypted = false, feeds = true;
  /// What the mode adds to the fingerprints: the site's with the feeds; the pages' without
  /// (turning the feeds on or off changes no page but the family pages, which link them).
  std::string mode_text(bool with_feeds = true) const;
};

class SiteOutput : public Output {
 public:
  explicit SiteOutput(SiteSettings s) : s_(std::move(s)) {}
  std::string name() const override { return "site"; }
  bool prints() const override { return false; }
  void prepare(BuildContext& ctx) override;
  std::vector<PublishedFolder> folders() const override;
  std::string fingerprint() const override { return fingerprint_; }
  std::string depends_on() const override { return "journal, date, keys and templates"; }
  void before_read(BuildContext& ctx) override;
  void after_read(BuildContext& ctx, const Journal& j) override;
  void settle() override;
  void render(BuildContext& ctx, const DiaryIndex& ix) override;

 private:
  SiteSettings s_;
  std::string fingerprint_;
  std::future<std::unique_ptr<Writer>> state_;
  /// What is new since the last publication, and the record of this one.
  std::future<std::pair<NewSince, Publication>> since_;
};

}  // namespace jp
