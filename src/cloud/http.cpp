// libcurl transport for the AWS clients.
#include "cloud/http.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"

namespace dust::cloud {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// Polled by curl about once a second and on every chunk: Ctrl-C aborts the request in progress.
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return interrupt::pending() ? 1 : 0;
}

std::string part(CURLU* u, CURLUPart which) {
  char* s = nullptr;
  if (curl_url_get(u, which, &s, 0) != CURLUE_OK || !s) return "";
  std::string out = s;
  curl_free(s);
  return out;
}

}  // namespace

Url parse_url(const std::string& url) {
  CURLU* u = curl_url();
  if (!u) throw Error("out of memory");
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    curl_url_cleanup(u);
    throw Error("malformed endpoint URL '" + url + "'");
  }
  Url out;
  out.scheme = part(u, CURLUPART_SCHEME);
  out.host_header = part(u, CURLUPART_HOST);
  const std::string port = part(u, CURLUPART_PORT);  // only set when the URL spells one out
  if (!port.empty() && !(out.scheme == "http" && port == "80") &&
      !(out.scheme == "https" && port == "443"))
    out.host_header += ":" + port;
  out.path = part(u, CURLUPART_PATH);
  if (out.path.empty()) out.path = "/";
  curl_url_cleanup(u);
  if (out.scheme != "http" && out.scheme != "https")
    throw Error("endpoint URL '" + url + "' is not http(s)");
  return out;
}

HttpClient::HttpClient(std::string service_label, long connect_timeout_ms, long total_timeout_ms)
    : label_(std::move(service_label)),
      connect_timeout_ms_(connect_timeout_ms),
      total_timeout_ms_(total_timeout_ms) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) throw Error("cannot initialise libcurl");
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(curl_);
}

HttpResponse HttpClient::post(const std::string& url,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body) {
  HttpResponse resp;
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  // curl would otherwise add "Expect: 100-continue" to large bodies and wait a round trip for it.
  list = curl_slist_append(list, "Expect:");

  // Options are set on every call but the handle (and its connection cache) is reused: keep-alive.
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms_);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, total_timeout_ms_);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL,
                   1L);  // no SIGALRM for DNS timeouts: threads may call us
  curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
  // DescribeInstances over thousands of instances is megabytes: read it in large chunks, fewer
  // syscalls.
  curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, on_progress);

  CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(list);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);

  if (rc != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(curl_, CURLINFO_OS_ERRNO, &os_errno);
    std::string why;
    switch (rc) {
      case CURLE_ABORTED_BY_CALLBACK:
        throw Error(label_ + " request interrupted");
      case CURLE_OPERATION_TIMEDOUT:
        why = errbuf[0] ? errbuf : "timed out";
        break;
      case CURLE_COULDNT_CONNECT:
        why = os_errno ? std::strerror(static_cast<int>(os_errno))
                       : (errbuf[0] ? errbuf : curl_easy_strerror(rc));
        break;
      default:
        why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    }
    log::debug("http: {} failed: curl {} ({}), errno {}", url, static_cast<int>(rc), why, os_errno);
    throw Error("cannot reach " + label_ + " endpoint " + url + ": " + why);
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace dust::cloud
