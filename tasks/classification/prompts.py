# User prompts by task kind for the labelled classification set (hand-written; used by generate.py).
# Phrasing varies on purpose: typos, Swedish, pasted code, tracebacks and diffs, terse and chatty styles.

TRACE_PY = '''Traceback (most recent call last):
  File "/app/api/orders.py", line 88, in create_order
    total = sum(item.price * item.qty for item in cart.items)
  File "/app/api/orders.py", line 88, in <genexpr>
    total = sum(item.price * item.qty for item in cart.items)
TypeError: unsupported operand type(s) for *: 'decimal.Decimal' and 'NoneType'
'''

TRACE_JS = '''TypeError: Cannot read properties of undefined (reading 'map')
    at UserList (webpack-internal:///./src/components/UserList.tsx:23:31)
    at renderWithHooks (react-dom.development.js:14985:18)
    at mountIndeterminateComponent (react-dom.development.js:17811:13)
'''

TRACE_RUST = '''thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: "No such file or directory" }', src/config.rs:41:52
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
'''

TRACE_GO = '''panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a1f2c]

goroutine 1 [running]:
main.(*Server).handle(0x0, {0x7ffd, 0x3})
	/home/dev/svc/server.go:57 +0x2c
'''

TRACE_JAVA = '''Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
	at com.acme.billing.InvoiceFormatter.pad(InvoiceFormatter.java:42)
	at com.acme.billing.InvoiceFormatter.format(InvoiceFormatter.java:19)
	at com.acme.billing.Main.main(Main.java:11)
'''

GCC_ERR = '''src/ring_buffer.cpp:57:12: error: no matching function for call to 'std::vector<Sample>::push_back(const Sample*)'
   57 |   samples_.push_back(&sample);
      |   ~~~~~~~~~^~~~~~~~~~~~~~~~~~
/usr/include/c++/12/bits/stl_vector.h:1276:7: note: candidate: 'void std::vector<_Tp>::push_back(const value_type&)'
'''

DIFF_1 = '''diff --git a/src/auth/session.ts b/src/auth/session.ts
index 3f2a1c0..9b8e4d2 100644
--- a/src/auth/session.ts
+++ b/src/auth/session.ts
@@ -12,9 +12,14 @@ export async function refreshSession(token: string) {
-  const res = await fetch(`${API}/refresh`, { method: "POST", body: token });
-  return res.json();
+  const res = await fetch(`${API}/refresh`, {
+    method: "POST",
+    headers: { "content-type": "application/json" },
+    body: JSON.stringify({ token }),
+  });
+  if (!res.ok) throw new SessionError(res.status);
+  return (await res.json()) as Session;
 }
'''

DIFF_2 = '''diff --git a/billing/invoice.py b/billing/invoice.py
--- a/billing/invoice.py
+++ b/billing/invoice.py
@@ -40,7 +40,9 @@ class Invoice:
     def total(self):
-        return sum(l.amount for l in self.lines)
+        subtotal = sum(l.amount for l in self.lines)
+        vat = subtotal * self.vat_rate
+        return (subtotal + vat).quantize(Decimal("0.01"))
'''

DIFF_3 = '''diff --git a/cmd/worker/main.go b/cmd/worker/main.go
--- a/cmd/worker/main.go
+++ b/cmd/worker/main.go
@@ -22,6 +22,10 @@ func main() {
 	cfg := loadConfig()
+	if cfg.Concurrency <= 0 {
+		cfg.Concurrency = runtime.NumCPU()
+	}
+	log.Printf("starting %d workers", cfg.Concurrency)
 	pool := NewPool(cfg.Concurrency)
'''

CODE_PY = '''def load_users(path):
    users = []
    f = open(path)
    for line in f.readlines():
        parts = line.split(",")
        if len(parts) > 2:
            users.append({"name": parts[0], "email": parts[1], "age": int(parts[2])})
    return users
'''

CODE_JS = '''function getData(cb) {
  fetch('/api/items').then(function (r) {
    r.json().then(function (items) {
      var out = [];
      for (var i = 0; i < items.length; i++) {
        if (items[i].active == true) { out.push(items[i]); }
      }
      cb(null, out);
    });
  }).catch(function (e) { cb(e); });
}
'''

CODE_CPP = '''class Cache {
 public:
  std::string get(const std::string& key) {
    std::lock_guard<std::mutex> lock(m);
    auto it = map.find(key);
    if (it == map.end()) return "";
    return it->second;
  }
  std::map<std::string, std::string> map;
  std::mutex m;
};
'''

PROMPTS = {
    "commit-message": [
        "Write a commit message for this diff:\n\n" + DIFF_1,
        "commit msg pls, conventional commits style\n\n" + DIFF_2,
        "Can you give me a one-line commit message for these staged changes?\n" + DIFF_3,
        "skriv ett commit-meddelande för ändringarna nedan, på engelska\n\n" + DIFF_2,
        "Suggest a git commit -m line for what we just changed in session.ts",
        "I need a commit message. Changes: bumped axios to 1.7.2, fixed the retry loop in uploader, removed dead feature flag.",
        "generate commit message for staged files, keep it under 72 chars",
        "Write the commit message for this refactor, with a short body explaining why:\n" + DIFF_3,
        "what would be a good commit title for adding VAT to invoice totals?",
        "Please draft a squash message for the PR that adds rate limiting to the public API (3 commits: add limiter, wire middleware, tests)",
        "commit message? just fixed a typo in README and updated the badge url",
        "Make me a conventional commit for this:\n```diff\n-    timeout: 30\n+    timeout: 120\n```\nin deploy/values.yaml",
        "Kan du skriva ett bra commitmeddelande? Jag har lagt till validering av personnummer i signup-formuläret.",
        "Summarize the staged diff as a commit message (imperative mood please)\n" + DIFF_1,
        "write the git commit text for: migrated the cron jobs from node-cron to bullmq repeatable jobs",
        "give me 3 options for the commit subject line, the change makes the CLI exit non-zero on lint warnings",
    ],
    "documentation": [
        "Add docstrings to every public function in utils/dates.py, Google style.",
        "Write a README for this repo: it's a small CLI that syncs Fortnox invoices to our Postgres. Include install, config and usage sections.",
        "Can you document the REST endpoints in routes/orders.ts? I want an API reference in markdown.",
        "Skriv dokumentation för modulen billing/ — vad den gör och hur man använder den. På svenska tack.",
        "add JSDoc comments to the exported functions in src/lib/format.ts",
        "Please write a CONTRIBUTING.md explaining how to run tests, our branch naming and the review process.",
        "Document this class so a new team member understands it:\n```cpp\n" + CODE_CPP + "```",
        "update the docs/getting-started.md to reflect that we now use pnpm instead of npm",
        "write doxygen comments for the public API in include/ringbuf.h",
        "Generate a changelog entry for version 2.4.0 from these notes: added SSO, fixed CSV export encoding, dropped node 16.",
        "explain in the README how the config file is resolved (env var, then ~/.config, then defaults)",
        "Add inline comments to this function explaining each step, it's confusing:\n```python\n" + CODE_PY + "```",
        "We need a user guide page for the admin dashboard's permissions screen. Keep it non-technical.",
        "write rustdoc for the Parser struct and its methods, with an example in the doc comment",
        "kommentera koden i scripts/backup.sh så att det framgår vad varje steg gör",
        "Could you write the module-level documentation for our payments package, including the sequence of calls for a refund?",
    ],
    "status-report": [
        "Summarize this project's status and prioritize next steps.",
        "Write a weekly status update for the team based on the git log of the last 7 days.",
        "Give me a progress report on the migration: what's done, what's left, any blockers.",
        "Skriv en statusrapport för projektet till styrgruppen, max en halv sida.",
        "standup update please: yesterday I finished the invoice export, today the SSO bug, blocked on staging access",
        "Can you recap what we accomplished in this sprint? Look at merged PRs and closed issues.",
        "where are we with the v3 release? list what remains before we can ship",
        "Make a short status update for my manager about the search rewrite, non-technical tone.",
        "lägesrapport: vad har vi gjort den här veckan och vad återstår innan demon på fredag?",
        "Go through TODO.md and the open issues and tell me the state of the project and the top 3 priorities.",
        "write a sprint summary for the retro, grouped by feature area",
        "Summarize what was done today in this repo (commits since this morning) for my daily log.",
        "Project status check: which of the milestones in ROADMAP.md are complete, in progress, or not started?",
        "Prepare a brief status report on test coverage and CI health that I can paste into Slack.",
    ],
    "refactoring": [
        "Refactor this to use async/await instead of nested callbacks:\n```js\n" + CODE_JS + "```",
        "Clean up load_users — use a context manager and the csv module, keep the same behaviour.\n```python\n" + CODE_PY + "```",
        "refactor the OrderService class, it's way too big. split it into smaller services without changing behavior",
        "Extract the validation logic in signup.ts into its own module",
        "rename `usr_mgr` to `user_manager` everywhere and fix the imports",
        "Kan du refaktorera den här funktionen så den blir mer läsbar? Den är 200 rader lång.",
        "reduce the duplication between handlers/create.go and handlers/update.go",
        "Modernize this C++ to use smart pointers and RAII, no behaviour change please",
        "convert the class components in src/components/ to function components with hooks",
        "This file mixes DB access and HTTP handling. Restructure it into a repository layer and a handler layer.",
        "simplify this nested if-else mess into a lookup table:\n```python\nif t == 'a':\n    x = 1\nelif t == 'b':\n    x = 2\nelif t == 'c':\n    x = 3\nelse:\n    x = 0\n```",
        "Migrate from moment.js to date-fns in the whole frontend",
        "make the Cache class thread-safe in a cleaner way and more idiomatic modern C++:\n```cpp\n" + CODE_CPP + "```",
        "bryt ut databaslogiken från controllers/invoice.js till en egen service",
        "Replace the global config dict with dependency injection so tests can pass their own config.",
        "tidy up the imports and dead code in app/main.py, keep behavior identical",
        "Refactor the retry logic into a reusable decorator and apply it to the three API clients",
    ],
    "debugging": [
        "I get this when creating an order, why?\n\n" + TRACE_PY,
        "the user list page crashes on load:\n" + TRACE_JS + "\nit worked yesterday",
        "cargo run panics immediately:\n" + TRACE_RUST,
        "Our worker segfaults in production, here is the log:\n" + TRACE_GO + "\nany idea what's nil here?",
        "Invoice generation throws NPE:\n" + TRACE_JAVA,
        "compile error I can't figure out:\n" + GCC_ERR,
        "The login form submits but nothing happens, no error in the console. What could be wrong?",
        "why does my docker container exit with code 137 after a few minutes?",
        "tests pass locally but fail in CI with a timeout on test_upload_large_file, how do I debug this",
        "Varför kraschar appen när jag roterar telefonen? Det händer bara på Android.",
        "the API returns 500 on POST /api/orders only when the cart has a discount code",
        "memory usage keeps growing in the node service until it gets OOM killed, how do I find the leak",
        "my regex doesn't match dates like 2024-1-5, it works for 2024-01-05. what am I missing? /^\\d{4}-\\d{2}-\\d{2}$/",
        "fixa felet: TypeError: 'NoneType' object is not subscriptable på rad 42 i parser.py",
        "The deploy to staging fails at the migration step with 'relation \"users\" already exists'",
        "Flaky test: test_concurrent_writes fails about 1 in 10 runs. Suspect a race condition in the cache.",
        "it hangs forever when I call client.close() after a streaming response, looks like a deadlock",
        "CORS error when calling the API from localhost:5173, but curl works fine",
        "npm install fails with ERESOLVE unable to resolve dependency tree after upgrading react",
        "the cron job runs twice every night since we moved to kubernetes, why?",
    ],
    "simple-coding": [
        "Write a function that checks if a Swedish personnummer is valid (Luhn).",
        "explain this regex: ^(?=.*[A-Z])(?=.*\\d)[A-Za-z\\d@$!%*?&]{8,}$",
        "add a --verbose flag to the CLI in cli.py that enables debug logging",
        "how do I reverse a linked list in python?",
        "write a bash one-liner that finds all .log files older than 7 days and deletes them",
        "Skriv en funktion i TypeScript som formaterar ett belopp i kronor, t.ex. 1234.5 -> '1 234,50 kr'",
        "What does `Object.freeze` do and is it deep?",
        "add a created_at column to the users table migration",
        "convert this list of dicts to a pandas dataframe and sort by age desc",
        "make the submit button disabled while the form is submitting",
        "write a unit test for the slugify function in utils/text.py",
        "What's the difference between `let` and `const` in JS?",
        "sql query that returns the 5 customers with the highest total order value last month",
        "Add a health check endpoint GET /healthz that returns {\"status\":\"ok\"}",
        "how can i read a file line by line in go?",
        "change the default page size from 20 to 50 in the list endpoint",
        "Implement a debounce helper in TypeScript",
        "what does this do?\n```python\nresult = {k: v for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:3]}\n```",
        "increase the retry count to 5 and add exponential backoff in http_client.py",
        "hur gör jag en enkel GET-request med fetch och async/await?",
    ],
    "multi-file": [
        "Scaffold a FastAPI project with routers, models, a SQLAlchemy db session module, pytest setup and a Dockerfile.",
        "Create a new React + Vite app with a login page, a dashboard page, a router and an API client module.",
        "Generate a complete CRUD REST API in Express for 'projects' and 'tasks': models, routes, controllers, validation and tests.",
        "set up a new Go service skeleton: cmd/server/main.go, internal/http, internal/store, Makefile, docker-compose.yml",
        "Build a small MCP server in TypeScript with two tools (list_invoices, get_invoice) — package.json, tsconfig, src/index.ts, src/tools/*.ts and a README.",
        "Skapa ett nytt projekt: en Flask-app med inloggning, en SQLite-databas och templates för start- och profilsida. Flera filer tack.",
        "Write a GitHub Actions workflow, a Dockerfile and a docker-compose file for this Node app, plus the .dockerignore",
        "Create a Chrome extension from scratch that highlights prices on a page: manifest.json, background.js, content.js, popup.html, popup.js",
        "generate the files for a python package: pyproject.toml, src/mypkg/__init__.py, src/mypkg/core.py, tests/test_core.py",
        "Bootstrap a full-stack todo app: Next.js frontend, tRPC backend, Prisma schema and seed script.",
        "I need a CLI tool with subcommands (init, sync, status) in Rust with clap, split into separate files per command, plus integration tests.",
        "scaffold a microservice with health endpoint, config loading, structured logging, Dockerfile and helm chart",
        "Create a Terraform module for an S3 bucket with versioning: main.tf, variables.tf, outputs.tf and an example/ folder",
        "Build a Python CLI todo app with SQLite persistence split across models.py, storage.py, cli.py and tests/test_storage.py",
    ],
    "architecture": [
        "We need to design a multi-tenant billing system for ~500 customers. How should we structure tenants, invoices and payments? Don't write code yet.",
        "Should we split our monolith into microservices? We're 6 devs, one Django app, 40k LOC. Pros and cons please.",
        "Design the architecture for an offline-first mobile app that syncs with our API. What are the trade-offs between CRDTs and last-write-wins?",
        "What's the best approach for real-time notifications: websockets, SSE or polling? We run on Kubernetes behind an nginx ingress.",
        "Vi ska bygga en ny integrationsplattform mot Fortnox och Visma. Hur bör arkitekturen se ut? Ingen kod än, bara design.",
        "Propose a data model for a course booking system (courses, sessions, seats, waitlists, payments). Just the design, no implementation.",
        "How should we structure the event pipeline so that order events can be replayed? Considering Kafka vs Postgres outbox.",
        "Write a design doc for moving our file storage from local disk to S3 with signed URLs — goals, non-goals, alternatives, rollout.",
        "We want to add caching in front of the pricing service. What caching strategy and invalidation would you recommend and why?",
        "plan the architecture for a plugin system in our desktop app — how do plugins get loaded, sandboxed and versioned? don't implement anything",
        "High-level design for a rate limiter shared by 3 API gateways, needs to be consistent within 1 second.",
        "What would be a good architecture for the co-op's shared GPU inference box: queueing, fairness between users, failover to cloud?",
        "Compare event sourcing vs a classic CRUD model for our accounting ledger. Which would you pick and what are the risks?",
        "Think through how we should structure auth across the web app, the mobile app and the public API. Tokens, sessions, scopes.",
    ],
    "code-review": [
        "Review this diff before I merge:\n\n" + DIFF_1,
        "can you review my PR? looking for bugs and style issues\n" + DIFF_2,
        "/review",
        "Granska den här koden och säg om du ser några problem:\n```js\n" + CODE_JS + "```",
        "Please do a code review of src/payments/ — focus on error handling and security.",
        "any issues with this change?\n" + DIFF_3,
        "Look over my implementation of the LRU cache, is this correct and thread safe?\n```cpp\n" + CODE_CPP + "```",
        "security review of the file upload handler please, I'm worried about path traversal",
        "be a strict reviewer: critique this function\n```python\n" + CODE_PY + "```",
        "Review the open merge request for the invoice export and leave comments on anything risky.",
        "is this safe to merge? " + DIFF_2,
        "give me feedback on the structure of my tests in tests/api/, are they testing the right things?",
        "kodgranskning tack: " + DIFF_1,
        "review the last commit",
    ],
    "reasoning": [
        "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost? Explain step by step.",
        "Prove that the sum of the first n odd numbers is n^2.",
        "What's the time complexity of this and can it be better?\n```python\nfor i in range(n):\n    for j in range(i, n):\n        if a[i] + a[j] == k: return True\n```",
        "You have 12 coins, one is fake and lighter or heavier. With 3 weighings on a balance, how do you find it?",
        "If I roll two dice, what's the probability the sum is at least 9?",
        "Fact-check this claim from our marketing page: 'our algorithm is O(1) for any input size because we use a hash map'.",
        "Hur många sätt finns det att dela ut 5 identiska bollar i 3 olika lådor? Resonera steg för steg.",
        "Estimate how many tokens per second we need to serve 10 developers using a coding assistant concurrently. Show your reasoning.",
        "Three switches outside a room control three bulbs inside. You can enter once. How do you tell which switch controls which bulb?",
        "Is it possible for a deterministic finite automaton to recognize balanced parentheses? Why or why not?",
        "What is the expected number of coin flips to get two heads in a row?",
        "Given the loop invariant below, prove the function terminates and returns the max.\n```\nm = a[0]; i = 1\nwhile i < n: m = max(m, a[i]); i += 1\n```",
        "Which is larger: 2^100 or 10^30? Reason without a calculator.",
        "Logic puzzle: Anna is older than Bo, Bo is older than Cia, Cia is not the youngest of four, Dan is younger than Anna. Who is youngest?",
    ],
    "non-coding": [
        "Translate this to English: 'Hej! Vi har tagit emot din faktura och betalar den inom 30 dagar. Mvh Ekonomi'",
        "Write a polite email to a customer explaining that the delivery is delayed by two weeks.",
        "hej!",
        "Extract all dates, amounts and company names from this email and return them as JSON:\n\nHi, as agreed the invoice 2024-118 for 45 000 SEK from Nordbygg AB is due on 15 March. Regards, Lena",
        "Summarize this article in 5 bullet points: [pasted article about the EU AI Act and its obligations for general purpose models]",
        "Skriv ett mejl till hyresvärden om att elementet i sovrummet inte fungerar.",
        "thanks, that's all for now",
        "Give me slide content for a 10-minute talk on why our co-op should buy a local inference machine: 6 slides, title + 3 bullets each.",
        "översätt till svenska: 'The meeting has been moved to Thursday at 10. Please confirm your attendance.'",
        "Write a LinkedIn post announcing that we're hiring a backend developer in Gothenburg.",
        "Proofread this cover letter and make the tone a bit more formal: 'hi, im really into your company and want to work there...'",
        "Sammanfatta mötesanteckningarna nedan i tre punkter: budgeten godkändes, lanseringen flyttas till maj, Sara tar över kundsupporten.",
        "What's a good recipe for a vegetarian lasagna for 6 people?",
        "hello, who are you?",
        "Draft meeting minutes from these notes: attendees Per, Lina, Omar; decided to postpone the office move; Lina to get quotes from 3 movers.",
        "Categorize these support tickets by topic: 'can't log in', 'invoice wrong amount', 'app slow on iPad', 'want refund'",
    ],
}

# Requests with too much content for a local context window: (kind of task underneath, builder hint).
LONG_CONTEXT_TASKS = [
    "Here is our whole service, find why requests sometimes return stale data:",
    "Summarize the key decisions in these design documents:",
    "Review all of these files for security issues:",
    "Refactor these modules to share one HTTP client:",
    "Translate this full user manual to Swedish:",
    "Find every place where we log personal data in this code:",
    "Write docs for all the public functions in these files:",
    "What changed between these two versions of the contract?",
    "Explain how the request flows through this codebase:",
    "kan du gå igenom hela loggen och hitta när felen började?",
    "Here are the test logs from the last nightly run, which tests are failing and why?",
    "Compare these three vendor proposals and recommend one:",
    "Go through this CSV export and list the customers with overdue invoices:",
    "Read these files and tell me where the retry logic lives:",
]

# A second batch, written after the rules were first tuned and evaluated before any further tuning
# (see README.md: "fresh batch").
MORE_PROMPTS = {
    "commit-message": [
        "need a commit msg for the dependabot bump + lockfile regen",
        "Föreslå ett commitmeddelande: jag flyttade alla env-variabler till config.py och tog bort dotenv.",
    ],
    "documentation": [
        "The onboarding doc is out of date — rewrite docs/setup.md for the new docker-based dev environment.",
        "write type hints and docstrings for the whole payments/gateway.py module",
        "Can you explain in the README how to run the integration tests against a local Postgres?",
    ],
    "status-report": [
        "Give me a quick summary for the Monday meeting: what did the team ship last week and what's in progress?",
        "vad är status på betalningsintegrationen? sammanfatta det som är klart och det som återstår",
    ],
    "refactoring": [
        "This function has 9 parameters, can you restructure it to take a config object instead?",
        "turn these copy-pasted SQL strings into a small query builder so we stop repeating ourselves",
        "split utils.py into smaller modules by responsibility, nothing should behave differently",
        "Gör om den här klassen så att den använder composition istället för arv",
        "replace the hand-rolled event emitter with the standard EventTarget API",
    ],
    "debugging": [
        "Getting `ECONNRESET` randomly when the worker talks to redis, only under load.",
        "pytest: AssertionError: assert 3 == 4 in test_cart_totals — the discount is applied twice I think",
        "after upgrading to python 3.12 the app won't start: ModuleNotFoundError: No module named 'distutils'",
        "The page shows yesterday's prices even after a hard refresh. Caching issue?",
        "websocket disconnects every 60 seconds exactly, behind nginx",
        "jag får 'permission denied (publickey)' när jag pushar till github från servern",
    ],
    "simple-coding": [
        "give me a python snippet to retry a function 3 times with a delay",
        "How do I center a div horizontally and vertically with flexbox?",
        "add an index on orders(customer_id, created_at) in a new migration",
        "write a small Go function that returns the unique elements of a slice of strings",
        "what's the idiomatic way to read an env var with a default in Rust?",
        "Lägg till en knapp 'Exportera CSV' på rapportsidan som laddar ner tabellen",
    ],
    "multi-file": [
        "Set up a Django app called 'bookings' with models, admin, serializers, viewsets, urls and tests.",
        "create a small Express + TypeScript starter with eslint, prettier, jest and a sample route — all the files please",
    ],
    "architecture": [
        "We're outgrowing a single Postgres. Read replicas, partitioning, or a separate analytics store? Help me decide, no code.",
        "How would you design the permission model for an app with orgs, teams, projects and per-project roles?",
    ],
    "code-review": [
        "Can you sanity check this migration before I run it on prod? ALTER TABLE orders ADD COLUMN status text NOT NULL;",
        "take a look at my changes in the auth module and tell me if anything looks off",
        "Review this for race conditions:\n```go\nfunc (c *Counter) Inc() { c.n++ }\n```",
    ],
    "reasoning": [
        "If a service has 99.9% uptime and depends on three others with 99.9% each, what's the combined availability? Show the math.",
        "Is the following argument valid? All caches are fast; some fast things are unreliable; therefore some caches are unreliable.",
    ],
    "non-coding": [
        "Can you rewrite this message to my landlord so it sounds less angry?",
        "god morgon! hur är läget?",
        "Pull out every phone number and name from this text: 'Ring Kalle på 070-123 45 67 eller Lisa på 08-555 12 34.'",
        "Write a short thank-you note to a colleague who helped me move apartments.",
    ],
}

# A third batch, written last and evaluated once without any tuning afterwards (the honest
# held-out number in README.md).
FINAL_PROMPTS = {
    "commit-message": [
        "what should I write as the commit for removing the legacy payment provider?",
    ],
    "documentation": [
        "Write a docs page describing our webhook payloads and retry behaviour for integrators.",
        "lägg till en docstring på varje metod i klassen Scheduler",
    ],
    "status-report": [
        "Write a short end-of-week report on the data migration for the stakeholders.",
        "how far along are we with the accessibility fixes? list done vs remaining",
    ],
    "refactoring": [
        "This component re-fetches on every render; restructure it with a custom hook and memoization, same UI.",
        "can you break up the 600-line main() into well-named functions?",
        "get rid of the singletons in the logging code and pass the logger explicitly",
    ],
    "debugging": [
        "Why am I getting 'Too many open files' after the server runs for a day?",
        "the chart renders blank in Safari but fine in Chrome",
        "Division by zero somewhere in the report job, but only for customers with no orders. help",
        "vår GitHub Action har börjat faila på steget 'npm ci' sedan i morse",
    ],
    "simple-coding": [
        "write a function to convert snake_case keys in a dict to camelCase, recursively",
        "How do I make a POST request with a JSON body using curl?",
        "add pagination params (page, per_page) to the GET /invoices handler",
        "what's the python equivalent of JavaScript's Array.prototype.some?",
    ],
    "multi-file": [
        "Generate a new Spring Boot service with a controller, service, repository, entity, application.yml and a test.",
    ],
    "architecture": [
        "We need audit logs for every change users make. Where should that live architecturally and how do we keep it tamper-evident?",
        "Is GraphQL or REST the better fit for our mobile and web clients sharing one backend? Discuss the trade-offs.",
    ],
    "code-review": [
        "Here's my PR diff, please point out anything risky:\n" + DIFF_3,
        "kan du granska min implementation av retry-logiken innan jag mergar?",
    ],
    "reasoning": [
        "A train leaves at 9:00 going 80 km/h, another at 10:00 going 100 km/h on the same track. When does the second catch up?",
        "Is every tree with n nodes guaranteed to have exactly n-1 edges? Prove or disprove.",
    ],
    "non-coding": [
        "Write a short apology to a customer whose order arrived damaged and offer a replacement.",
        "Översätt det här till tyska: 'Vi ses på mässan i Frankfurt nästa vecka.'",
    ],
}
