# Varnish in front of the tagcache shop, purged by tag through vmod_xkey (Debian/Ubuntu package
# varnish-modules). Run: varnishd -F -a 127.0.0.1:6081 -f "$PWD/examples/varnish/default.vcl" -n /tmp/shop-varnish
# The app sends its tags in the `xkey` response header (the middleware does when the cache has a
# varnishPurger); `varnishPurger({ url: 'http://127.0.0.1:6081/' })` purges them with
# `PURGE` + `xkey-purge: tag1 tag2` (or `xkey-softpurge`).
vcl 4.1;

import xkey;

# The shop (npm run example). Tests point this at their own app.
backend default {
  .host = "127.0.0.1";
  .port = "3000";
}

# Who may purge: this machine only. Add the addresses of your app servers, never a public range.
acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "Forbidden"));
    }
    if (req.http.xkey-purge) {
      set req.http.n-gone = xkey.purge(req.http.xkey-purge);
      return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    if (req.http.xkey-softpurge) {
      set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
      return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    return (synth(400, "PURGE needs an xkey-purge or xkey-softpurge header"));
  }
  # Purge headers mean nothing on other requests; never pass them to the app.
  unset req.http.xkey-purge;
  unset req.http.xkey-softpurge;
}

sub vcl_deliver {
  # The tag list is for Varnish only: keep it from clients (it names internal records).
  unset resp.http.xkey;
}
