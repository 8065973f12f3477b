// Output 1: the parents' diary site. Decides who gets an area and where every page
// goes; renders with render_html and hands the bytes to the writer.
//
// Privacy (Положение 3.10): one area per electronic guardian, `f/<token>/`, where the
// token is an HMAC of the guardian and access epoch under the site key; a child's pages
// appear only in their own guardians' areas; nothing outside the areas names anyone.
#pragma once

#include <map>
#include <string>

#include "figures/audience.h"
#include "figures/diary.h"
#include "publish/writer.h"
#include "site/render_html.h"

namespace jp {

class ThreadPool;

struct SiteOptions {
  std::string site_key;  ///< raw key bytes
  std::string base_url;  ///< prefix of the addresses in access.csv (may be empty)
  Day today = 0;
  /// What pages depend on besides the journal (version, templates): part of every page's
  /// input fingerprint. Empty: every page is rendered (no fingerprints kept).
  std::string inputs_digest;
  /// Keep pages whose fingerprint did not change (false: render all, `build --full`).
  bool keep_unchanged = true;
  /// Encrypted mode (docs/site.md): every family page sealed under the family key, in
  /// `f/<HKDF of the key>/<page>.bin`; site/index.html is the loader.
  bool encrypted = false;
  /// Each area's calendar.ics and feed.atom (in encrypted mode readable by the host).
  bool feeds = true;
};

struct SiteResult {
  size_t pages_rendered = 0;  ///< distinct pages (a child's page is rendered once for all areas)
  size_t pages_kept = 0;      ///< not rendered: their inputs did not change
  size_t files = 0;           ///< files offered (pages times areas, plus the shared files)
  size_t areas = 0;
  size_t sealed = 0;       ///< encrypted mode: pages sealed (encrypted) this build
  std::string access_csv;  ///< for DIR/private/access.csv
};

/// Renders the whole site into the writer (which skips unchanged files).
SiteResult build_site(const DiaryIndex& ix, const std::map<std::string, long long>& epochs,
                      const NewSince& since, const SiteOptions& o, Writer& w, ThreadPool& pool);

}  // namespace jp
