// nest/run_hooks.h — code that runs once per run, not once per user (Locust's test_start and
// test_stop events): create the accounts the users will log in as, and remove them after.
//
//     class SeedAccounts : public nest::RunHooks {
//      public:
//       void on_test_start() override { client().post("/admin/accounts", R"({"count":1000})"); }
//       void on_test_stop() override { client().post("/admin/accounts/reset"); }
//     };
//     NEST_RUN_HOOKS(SeedAccounts)
//
// nest-host builds one object of each class it finds when the run starts, on one of its worker
// threads, with an HTTP session of its own against the run's host (client(); nest::sleep works
// too). on_test_start runs before any user starts; if it throws, the run stops there: no user
// starts, the message is shown, and nest-host exits 1. on_test_stop runs once every user has
// stopped (after a Ctrl-C too; a second one halts at once, without it), before the results are
// written, for at most 60 s. Their requests count in the
// statistics like any other (the server saw them).
#pragma once

#include "nest/detail/host_hooks.h"
#include "nest/detail/visibility.h"
#include "nest/http.h"

namespace nest {

class NEST_SDK_API RunHooks {
 public:
  virtual ~RunHooks() = default;
  // Once, before the first user starts. Throw to stop the run before it begins.
  virtual void on_test_start() {}
  // Once, after the last user has stopped (also when the run was stopped early).
  virtual void on_test_stop() {}

 protected:
  RunHooks() = default;
  // The hooks' own HTTP session (cookies, keep-alive), on the run's --host and --transport.
  Client& client() { return detail::current_user().client(); }
};

}  // namespace nest
