# Held-out batch 1: user prompts written before any tuning on them, without looking at router/rules.yaml.
# Each entry: (label, prompt) or (label, prompt, client) where client pins the request to one client shape.

DIFF_RETRY = """diff --git a/pkg/fetch/client.go b/pkg/fetch/client.go
index 3c1e2aa..9b0f7d1 100644
--- a/pkg/fetch/client.go
+++ b/pkg/fetch/client.go
@@ -41,12 +41,22 @@ func (c *Client) Get(ctx context.Context, url string) ([]byte, error) {
-	resp, err := c.http.Get(url)
-	if err != nil {
-		return nil, err
-	}
+	var resp *http.Response
+	var err error
+	for attempt := 0; attempt < c.maxAttempts; attempt++ {
+		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
+		resp, err = c.http.Do(req)
+		if err == nil && resp.StatusCode < 500 {
+			break
+		}
+		time.Sleep(c.backoff(attempt))
+	}
+	if err != nil {
+		return nil, fmt.Errorf("get %s: %w", url, err)
+	}
 	defer resp.Body.Close()
"""

DIFF_NAV = """--- a/src/components/NavBar.vue
+++ b/src/components/NavBar.vue
@@ -3,7 +3,9 @@
   <nav class="navbar">
-    <router-link to="/">Home</router-link>
+    <router-link to="/" aria-label="Home">
+      <HomeIcon />
+    </router-link>
     <router-link v-if="user" to="/orders">Orders</router-link>
-    <button @click="logout">Log out</button>
+    <button v-if="user" @click="logout">Log out</button>
+    <router-link v-else to="/login">Log in</router-link>
   </nav>
"""

DIFF_SQL = """diff --git a/app/reports/queries.py b/app/reports/queries.py
@@ -10,9 +10,9 @@ def sales_by_region(conn, region, start, end):
-    sql = "SELECT region, SUM(amount) FROM sales WHERE region = %s AND day BETWEEN %s AND %s GROUP BY region"
-    return conn.execute(sql, (region, start, end)).fetchall()
+    sql = f"SELECT region, SUM(amount) FROM sales WHERE region = '{region}' AND day BETWEEN '{start}' AND '{end}' GROUP BY region"
+    return conn.execute(sql).fetchall()
@@ -30,6 +30,12 @@ def top_products(conn, limit=10):
+def export_csv(rows, path):
+    f = open(path, "w")
+    for r in rows:
+        f.write(",".join(str(x) for x in r) + "\\n")
+    return path
"""

DIFF_DOCKER = """diff --git a/Dockerfile b/Dockerfile
@@ -1,8 +1,14 @@
-FROM node:18
+FROM node:20-alpine AS build
 WORKDIR /app
 COPY package*.json ./
-RUN npm install
+RUN npm ci
 COPY . .
 RUN npm run build
-CMD ["node", "dist/index.js"]
+
+FROM node:20-alpine
+WORKDIR /app
+COPY --from=build /app/dist ./dist
+COPY --from=build /app/node_modules ./node_modules
+USER node
+CMD ["node", "dist/index.js"]
"""

PY_TRACE = """Traceback (most recent call last):
  File "/srv/app/worker.py", line 88, in run
    self.handle(msg)
  File "/srv/app/worker.py", line 61, in handle
    customer = self.customers[msg["customer_id"]]
KeyError: 'c_1932'
"""

JS_TRACE = """TypeError: Cannot read properties of undefined (reading 'map')
    at ProductList (ProductList.jsx:23:31)
    at renderWithHooks (react-dom.development.js:16305:18)
    at mountIndeterminateComponent (react-dom.development.js:20074:13)"""

RUST_ERR = """error[E0502]: cannot borrow `self.items` as mutable because it is also borrowed as immutable
  --> src/inventory.rs:47:13
   |
45 |         for item in self.items.iter() {
   |                     ----------------- immutable borrow occurs here
46 |             if item.qty == 0 {
47 |                 self.items.remove(item.id);
   |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^ mutable borrow occurs here"""

LONG_FN = """```python
def process(order, user, db, mailer, flags):
    if order is not None:
        if order.status == "new":
            if user.is_active:
                if flags.get("vat"):
                    order.total = order.subtotal * 1.25
                else:
                    order.total = order.subtotal
                db.save(order)
                if user.email:
                    mailer.send(user.email, "Order received", render("received.txt", order=order))
                return True
            else:
                return False
        elif order.status == "paid":
            if user.is_active:
                db.mark_shipped(order)
                if user.email:
                    mailer.send(user.email, "Shipped", render("shipped.txt", order=order))
                return True
    return False
```"""

CALLBACKS = """```js
function loadUser(id, cb) {
  db.get('users', id, function (err, user) {
    if (err) return cb(err);
    db.query('orders', { userId: id }, function (err, orders) {
      if (err) return cb(err);
      cache.set('user:' + id, { user, orders }, function (err) {
        if (err) return cb(err);
        cb(null, { user, orders });
      });
    });
  });
}
```"""

LRU = """```python
class LRU:
    def __init__(self, cap):
        self.cap = cap
        self.d = {}
        self.order = []

    def get(self, k):
        if k in self.d:
            self.order.remove(k)
            self.order.append(k)
            return self.d[k]

    def put(self, k, v):
        self.d[k] = v
        self.order.append(k)
        if len(self.order) > self.cap:
            old = self.order.pop(0)
            del self.d[old]
```"""

WORKER_GO = """```go
func (p *Pool) Run(jobs <-chan Job) {
	var wg sync.WaitGroup
	results := make(map[string]error)
	for i := 0; i < p.size; i++ {
		wg.Add(1)
		go func() {
			for j := range jobs {
				results[j.ID] = j.Do()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	p.results = results
}
```"""

BATCH = [
    # ---------------------------------------------------------------- commit-message
    ("commit-message", "can you write the commit msg for what's staged? conventional commits style pls", "claude_code"),
    ("commit-message", "One-line subject plus a short body for this change, for git:\n\n```diff\n" + DIFF_RETRY + "```"),
    ("commit-message", "what should I put as the commit text here? I renamed the config loader module and dropped the legacy env var fallback"),
    ("commit-message", "Skriv ett commit-meddelande på engelska för ändringarna nedan:\n\n" + DIFF_NAV),
    ("commit-message", "give me a good commit message — bumped tokio to 1.40, replaced our hand-rolled backoff with tokio-retry, fixed the clippy warnings"),
    ("commit-message", "commit this with a sensible message", "codex"),
    ("commit-message", "draft the squash merge message for PR #212 (adds CSV export to the reports page, 14 commits, mostly fixups)"),

    # ---------------------------------------------------------------- documentation
    ("documentation", "Add docstrings to every public function in billing/tax.py, google style, include a Raises section where relevant"),
    ("documentation", "the README is out of date since we moved to docker compose v2 — update the getting started part and add a troubleshooting section for port conflicts"),
    ("documentation", "write JSDoc for this hook:\n\n```ts\nexport function useDebounce<T>(value: T, delay = 300): T {\n  const [v, setV] = useState(value);\n  useEffect(() => {\n    const t = setTimeout(() => setV(value), delay);\n    return () => clearTimeout(t);\n  }, [value, delay]);\n  return v;\n}\n```"),
    ("documentation", "Document the invoice endpoints in routes/invoices.go as an OpenAPI 3 spec (yaml), with request/response examples"),
    ("documentation", "can u put a header comment at the top of retry_budget.py explaining what the module is for and how the budget refills? for whoever maintains it after me"),
    ("documentation", "Write a CONTRIBUTING.md for this repo: how to run the tests, branch naming, how we do reviews, and the release checklist"),
    ("documentation", "Our onboarding wiki page for the payments service needs a 'local setup' section covering the stripe CLI and webhook forwarding. Draft it in markdown."),
    ("documentation", "Kommentera koden i parser.rs så att en junior utvecklare förstår den, men ändra ingen logik"),
    ("documentation", "generate rustdoc comments with runnable examples for the public API of our ring_buffer crate"),
    ("documentation", "write the man page section for the new --dry-run flag: what it does, sample output, caveats"),

    # ---------------------------------------------------------------- status-report
    ("status-report", "Based on the git log since monday, write my standup update: yesterday / today / blockers"),
    ("status-report", "Summarize what we got done this sprint for the stakeholders, non-technical, max 150 words.\n\nTickets closed: SHOP-88 guest checkout, SHOP-91 faster search, SHOP-97 fix double emails.\nStill open: SHOP-90 gift cards (waiting on legal)."),
    ("status-report", "go through the last 20 commits and tell me where we are with the postgres migration — what's done and what's left"),
    ("status-report", "Make a short progress report for the client: this week we fixed the login bug, shipped the export, the pdf thing is blocked on their fonts"),
    ("status-report", "weekly summary for the #eng channel please, from my jira export:\n\nDONE  API-14 rate limit headers\nDONE  API-17 pagination cursor\nIN PROGRESS API-19 webhooks retries\nBLOCKED API-20 SSO (waiting for Okta tenant)"),
    ("status-report", "Sammanfatta läget i projektet för styrgruppen: vad är klart, vad är försenat och varför. Kort!"),
    ("status-report", "what have I been working on this week? check my commits and open PRs and give me a recap I can paste into the retro doc", "claude_code"),
    ("status-report", "Give me a quick health overview of the repo: open TODOs, failing tests, stale branches. Just the state of things, don't fix anything.", "codex"),
    ("status-report", "Prepare the monthly engineering update for the board: uptime 99.93%, two incidents (DNS, expired cert), hired one backend dev, mobile app slipped two weeks"),

    # ---------------------------------------------------------------- refactoring
    ("refactoring", "This function has grown way too big, split it into smaller pieces without changing what it does:\n\n" + LONG_FN),
    ("refactoring", "rename `usr_mgr` to `user_manager` everywhere in the package and fix up the imports"),
    ("refactoring", "Convert these callbacks to async/await, keep the same behaviour on errors\n\n" + CALLBACKS),
    ("refactoring", "pull the duplicated validation in create_order and update_order out into one shared helper"),
    ("refactoring", "Replace the class hierarchy in shapes.py with a dataclass and a dispatch dict, outputs must stay identical"),
    ("refactoring", "can you clean this up? way too many nested ifs. tests must stay green\n\n" + LONG_FN),
    ("refactoring", "Migrate the OrderTable component from a class component to a function component with hooks", "continue"),
    ("refactoring", "get rid of the global `db` variable, inject the connection instead (constructor or function arg, your call)"),
    ("refactoring", "Byt ut alla print-satser mot logging-modulen och gör om konfigurationen till en dataclass"),
    ("refactoring", "tidy up main.go: move the flag parsing into its own func and make the error handling consistent (wrap with %w)"),

    # ---------------------------------------------------------------- debugging
    ("debugging", "the worker dies on some messages:\n\n```\n" + PY_TRACE + "```\nwhat's going on?"),
    ("debugging", "docker build works on my mac but fails in CI with `exec /usr/local/bin/docker-entrypoint.sh: exec format error`"),
    ("debugging", "Why is my useEffect running twice on mount? It fires the fetch two times and I get duplicate rows"),
    ("debugging", "getting a segfault when I call free() on the buffer returned by parse_header. valgrind says 'Invalid free() / delete / delete[]' at parser.c:212"),
    ("debugging", "tests pass one by one but fail when I run the whole suite. tried -p no:randomly, no difference. what could leak between them?"),
    ("debugging", "memory keeps growing in the celery worker until it gets OOMKilled, roughly 50MB an hour. where do I even start?"),
    ("debugging", JS_TRACE + "\n\nproducts comes from a fetch in the parent"),
    ("debugging", "the nightly cron job silently stopped running after the daylight saving change, any idea?"),
    ("debugging", "borrow checker is unhappy and I don't get why\n\n```\n" + RUST_ERR + "\n```"),
    ("debugging", "Invoice totals in the monthly report are off by exactly one cent for some customers. The rounding happens in money.py, can you find it?", "aider"),
    ("debugging", "nginx returns 502 after ~60s on the export endpoint but the app logs say the request finished fine"),
    ("debugging", "login is broken since yesterday's deploy — users get stuck in a redirect loop between /login and /dashboard. fix it", "claude_code"),

    # ---------------------------------------------------------------- simple-coding
    ("simple-coding", "what does this regex match? `^(?=.*\\d)(?=.*[a-z]).{8,}$`"),
    ("simple-coding", "write a python function that chunks a list into pieces of size n"),
    ("simple-coding", "add a --limit flag to the list command, default 50"),
    ("simple-coding", "How do I read a file line by line in Go?"),
    ("simple-coding", "make the submit button disabled while the form is submitting", "continue"),
    ("simple-coding", "SQL: top 5 customers by total order value in 2024, postgres"),
    ("simple-coding", "turn this bash loop into something that runs 4 at a time with xargs:\n\nfor f in *.png; do convert \"$f\" -resize 50% \"small/$f\"; done"),
    ("simple-coding", "whats the difference between let and const in JS"),
    ("simple-coding", "Lägg till en validering så att e-postfältet inte får vara tomt"),
    ("simple-coding", "can you add a unit test for slugify? edge cases like unicode and empty string"),
    ("simple-coding", "explain what this returns: [x for row in grid for x in row if x]"),
    ("simple-coding", "sort the users by last name then first name, case-insensitive", "claude_code"),

    # ---------------------------------------------------------------- multi-file
    ("multi-file", "Scaffold a new FastAPI service: app/main.py, app/routes/health.py, app/db.py, a Dockerfile, pyproject.toml and one test"),
    ("multi-file", "create a CRUD module for suppliers — model, repository, service, controller and tests — same structure as the customers one"),
    ("multi-file", "Set up a new React + Vite project with react-router, a layout component, two pages and a vitest config"),
    ("multi-file", "generate terraform for a small setup: a vpc module, an rds instance, security groups, plus outputs.tf and variables.tf"),
    ("multi-file", "Add a new `export` subcommand. Needs the command file, registration in cli/__init__.py, a formatter module, a docs page and tests."),
    ("multi-file", "Bygg ett litet Express-API med separata filer för routes, controllers, middleware och en README"),
    ("multi-file", "implement the whole thing end to end: a migration adding `archived_at`, the model, the API serializer, the admin filter and the toggle in the frontend", "claude_code"),
    ("multi-file", "write a GitHub Actions workflow, a Makefile and a pre-commit config for linting + testing this Go repo"),
    ("multi-file", "Create a Chrome extension skeleton: manifest.json (MV3), a background service worker, popup.html + popup.js and an options page"),

    # ---------------------------------------------------------------- architecture
    ("architecture", "We're thinking about splitting the monolith into services. Which boundaries make sense given our modules (orders, billing, catalog, notifications, auth)? Don't write code yet."),
    ("architecture", "how should I design the permission system? roles, per-project overrides, audit trail. I want a plan before touching anything"),
    ("architecture", "Kafka vs RabbitMQ vs just postgres LISTEN/NOTIFY for our job queue (~200 jobs/min)? trade-offs pls"),
    ("architecture", "Propose a data model for multi-tenant invoicing. Shared schema or schema per tenant? pros/cons and a migration path from what we have"),
    ("architecture", "I need to add offline support to the mobile app. What sync strategy and conflict resolution would you pick? high level first"),
    ("architecture", "Design a caching layer for the pricing API: what to cache, invalidation, stampede protection. No implementation yet."),
    ("architecture", "Hur bör vi strukturera om backend så att vi kan köra i flera regioner? Ge en översikt med komponenter och dataflöde"),
    ("architecture", "we want event sourcing for the ledger. sketch the aggregates, events and projections, and where snapshots fit"),
    ("architecture", "what's a sane way to structure a monorepo with 3 frontends and 5 go services — tooling, shared libs, CI?"),
    ("architecture", "Plan the move of auth to an external IdP (keycloak): phases, risks, and how to keep existing sessions working during the switch", "codex"),

    # ---------------------------------------------------------------- code-review
    ("code-review", "review this diff for bugs and anything that smells\n\n```diff\n" + DIFF_SQL + "```"),
    ("code-review", "Could you look over my changes before I push? especially the concurrency bit\n\n" + WORKER_GO),
    ("code-review", "Is there anything wrong with this Dockerfile change? it goes to prod tomorrow\n\n" + DIFF_DOCKER),
    ("code-review", "give me feedback on this, is it idiomatic?\n\n```rust\nfn parse(s: &str) -> Result<Vec<u32>, String> {\n    let mut v = Vec::new();\n    for p in s.split(',') {\n        match p.trim().parse::<u32>() {\n            Ok(n) => v.push(n),\n            Err(e) => return Err(format!(\"{}\", e)),\n        }\n    }\n    return Ok(v);\n}\n```"),
    ("code-review", "Granska min pull request, fokusera på säkerhet (SQL injection, XSS):\n\n" + DIFF_SQL),
    ("code-review", "Be critical: what would a senior engineer flag in this class?\n\n" + LRU),
    ("code-review", "check my LRU cache implementation against the spec and point out the edge cases I missed", "aider"),
    ("code-review", "/review", "claude_code_command"),

    # ---------------------------------------------------------------- reasoning
    ("reasoning", "A train leaves at 14:05 at 80 km/h, a second one leaves the same station at 14:35 at 110 km/h on the same track. When does the second catch up?"),
    ("reasoning", "Prove that the sum of the first n odd numbers is n^2"),
    ("reasoning", "three boxes labelled apples, oranges and mixed, all labels are wrong. what's the minimum number of fruits to pick to fix the labels? explain"),
    ("reasoning", "What's the expected number of coin flips until you get two heads in a row? derive it please"),
    ("reasoning", "Cluster of 4 nodes, each 99.9% available, quorum is 3. What's the availability of the whole system?"),
    ("reasoning", "Vilket är det största talet som inte kan skrivas som 6a + 9b + 20c med icke-negativa heltal? Motivera svaret."),
    ("reasoning", "is this argument valid: all A are B, some B are C, therefore some A are C. why or why not?"),
    ("reasoning", "Estimate how many tokens/s we need to serve 40 devs doing ~150 requests a day each, ~2k output tokens per request, with the peak hour at 3x the average"),
    ("reasoning", "why is building a heap bottom-up O(n) and not O(n log n)? walk me through the math"),

    # ---------------------------------------------------------------- non-coding
    ("non-coding", "Translate to German: 'Our office will be closed between Christmas and New Year. Urgent matters: call 070-123 45 67.'"),
    ("non-coding", "write a polite email to my landlord saying the heating has been broken for a week and asking when it will be fixed"),
    ("non-coding", "hi! how are you today?"),
    ("non-coding", "pull all the dates and amounts out of this invoice text into a table:\n\nInvoice 2291, issued 3 March 2025. Consulting 12 h à 950 kr = 11 400 kr. Travel 14 March: 1 280 kr. Due 2 April 2025. Total 12 680 kr."),
    ("non-coding", "Summarize this article in 3 bullet points:\n\nUrban gardening has grown quickly in Scandinavian cities over the last decade. Municipal allotments now have waiting lists of up to eight years in Stockholm, and housing co-ops are turning courtyards and rooftops into shared beds. Researchers point to food prices, a wish for community, and climate concerns, while critics note that the yields are small and the plots mostly benefit households that already have time and money."),
    ("non-coding", "Kan du översätta det här till engelska? 'Vi ses på fredag, ta med något att äta så fixar vi kaffe.'"),
    ("non-coding", "give me 5 name ideas for a bakery run as a co-op"),
    ("non-coding", "rewrite this so it sounds friendlier: 'Your request has been rejected. Do not contact us again about this matter.'"),
    ("non-coding", "thanks, that worked! have a good weekend", "claude_code_multi"),
    ("non-coding", "Get the names, emails and phone numbers from this signup list as CSV:\n\nAnna Berg anna.berg@example.se 070 111 22 33\nJonas Lind, jonas@lind.nu, +46 73 444 55 66\nMaria (maria.k@example.com) tel 0709-998877"),
]

# Requests the clients make on their own, client-named tasks and long content. The third field names the
# side-request shape in generate.py; the second is its variable part (conversation text, diff, FIM parts).
SIDE = [
    ("commit-message", "USER: retry GETs on 5xx with backoff\nASSISTANT: I added a retry loop to Client.Get\n\n" + DIFF_RETRY, "aider_commit"),
    ("commit-message", DIFF_NAV, "aider_commit"),
    ("commit-message", DIFF_DOCKER, "aider_commit"),
    ("background", "# USER\nmake the nav bar show a login link when logged out\n# ASSISTANT\nI changed NavBar.vue to use v-if/v-else ...\n# USER\nalso hide the orders link", "aider_summary"),
    ("background", "# USER\nwhy is the export slow\n# ASSISTANT\nThe query runs once per row (N+1) ...", "aider_summary"),
    ("background", "switch the uploader to multipart", "aider_ping"),
    ("background", "refactor the invoice module to use decimal everywhere", "cc_title_json"),
    ("background", "User: the docker build fails in CI with exec format error\n\nClaude: The image is built for arm64 on your Mac...", "cc_title_short"),
    ("background", "ok now write tests for the pagination", "cc_topic"),
    ("background", "add rate limiting to the public API", "cc_compact"),
    ("background", "quota", "cc_quota"),
    ("background", "how does the checkout flow work?", "cc_count_tokens"),
    ("background", "Command: cat src/config/index.ts src/config/env.ts\nOutput: export const config = {...}", "cc_filepaths"),
    ("background", "Warmup", "cc_warmup"),
    ("background", "migrate the cron jobs to the scheduler service", "codex_memento"),
    ("background", "speed up the test suite", "codex_compact_kind"),
    ("background", "add i18n to the settings page", "codex_compact_subagent"),
    ("background", "fix the websocket reconnect", "codex_compact_endpoint"),
    ("background", "port the CLI to clap v4", "qwen_compress"),
    ("background", "add a health endpoint", "qwen_next_speaker"),
    ("background", "User: how do I debounce a search input in react?\nAssistant: Use a useDebounce hook ...", "continue_title"),
    ("code-review", "the changes against the base branch 'develop'", "codex_review"),
    ("long-context", "Here is our whole incident log from last night. Find the first error that started the cascade and explain the chain of failures.", "lc_paste_sdk"),
    ("long-context", "I've dumped the three service modules below. Map out how a request flows through them.", "lc_codex"),
    ("long-context", "what's wrong with the retry handling across these files?", "lc_cc_tools"),
    ("long-context", "refactor the reporting module to use the new query builder", "lc_aider"),
    ("long-context", "Summarize this contract and list every obligation we have as the supplier.", "lc_paste_anthropic"),
    ("long-context", "go through the test output and tell me which failures share a root cause", "lc_qwen_tools"),
    ("autocomplete", ("def median(values):\n    s = sorted(values)\n    ", "\n\nprint(median([3, 1, 2]))"), "fim_qwen"),
    ("autocomplete", ("export async function fetchJson(url: string) {\n  const res = await fetch(url);\n  ", "\n}"), "fim_starcoder"),
    ("autocomplete", ("impl Display for Money {\n    fn fmt(&self, f: &mut Formatter) -> fmt::Result {\n        ", "\n    }\n}"), "fim_codestral"),
    ("autocomplete", ("<?php\nfunction slugify(string $s): string {\n    ", "\n}"), "fim_deepseek"),
    ("autocomplete", ("SELECT department, AVG(salary)\nFROM employees\n", ""), "suffix_param"),
    ("autocomplete", ("# A function that checks whether a string is a palindrome\ndef is_palindrome(s):\n", None), "plain_completion"),
]
