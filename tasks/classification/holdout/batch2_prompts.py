# Held-out batch 2: user prompts written after the rules were tuned (commit 4ec97d7 on main) and measured once,
# before any change made because of them. Same format as batch1_prompts.py.

DIFF_CACHE = """diff --git a/src/cache/lru.ts b/src/cache/lru.ts
--- a/src/cache/lru.ts
+++ b/src/cache/lru.ts
@@ -18,7 +18,11 @@ export class Lru<K, V> {
   get(key: K): V | undefined {
-    return this.map.get(key);
+    const v = this.map.get(key);
+    if (v === undefined) return undefined;
+    this.map.delete(key);
+    this.map.set(key, v);
+    return v;
   }
"""

DIFF_SETTINGS = """--- a/app/settings.py
+++ b/app/settings.py
@@ -4,6 +4,8 @@ import os
 DEBUG = os.environ.get("DEBUG", "0") == "1"
-ALLOWED_HOSTS = ["*"]
+ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")
+SESSION_COOKIE_SECURE = True
+CSRF_COOKIE_SECURE = True
"""

DIFF_UDIFF = """--- a/firmware/src/uart.c
+++ b/firmware/src/uart.c
@@ -31,7 +31,7 @@ void uart_isr(void) {
-    if (rx_head == RX_SIZE) rx_head = 0;
+    rx_head = (rx_head + 1) % RX_SIZE;
     rx_buf[rx_head] = UDR0;
"""

GO_TRACE = """panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f1a]

goroutine 41 [running]:
main.(*Server).handleUpload(0xc0001a2000, {0x7f1c20, 0xc0002b40e0}, 0xc00031e300)
	/app/server.go:118 +0x1ba"""

KOTLIN = """```kotlin
class CartViewModel(private val repo: CartRepository) : ViewModel() {
    var items = mutableListOf<CartItem>()
    fun load() {
        GlobalScope.launch {
            items = repo.fetch().toMutableList()
        }
    }
    fun total(): Double {
        var t = 0.0
        for (i in items) t = t + i.price * i.qty
        return t
    }
}
```"""

PANDAS = """```python
df = pd.read_csv("sales.csv")
out = []
for i in range(len(df)):
    row = df.iloc[i]
    if row["region"] == "north":
        out.append(row["amount"] * 1.25)
df2 = pd.DataFrame({"gross": out})
```"""

BATCH = [
    # ---------------------------------------------------------------- commit-message
    ("commit-message", "ok tests are green, can you wrap this up in a commit? one line please", "claude_code"),
    ("commit-message", "need a git message for this:\n\n" + DIFF_SETTINGS),
    ("commit-message", "Gimme a short imperative summary line for the change I just made to the cache (get now refreshes recency) - it's going in the git history"),
    ("commit-message", "skriv commit-text: fixade avrundningen i momsberäkningen och la till tester", "qwen"),
    ("commit-message", "Suggest three alternatives for the commit message, I changed the uart ring buffer wraparound", "codex"),

    # ---------------------------------------------------------------- documentation
    ("documentation", "the public methods in src/cache/lru.ts have zero explanation, add TSDoc blocks with @param/@returns"),
    ("documentation", "Write an architecture overview page for our docs folder that explains the modules to new contributors (this is docs, not a redesign)"),
    ("documentation", "Explain how to configure the SMTP settings in the docs — there is currently nothing about it", "qwen"),
    ("documentation", "uppdatera README:n med de nya miljövariablerna ALLOWED_HOSTS och DEBUG"),
    ("documentation", "Our Helm chart values.yaml has no comments at all. Add a short comment above every key describing it", "codex"),
    ("documentation", "produce API documentation for the gRPC service in proto/billing.proto, one section per rpc with request/response fields"),
    ("documentation", "Kannst du die Installationsanleitung im README ergänzen? Es fehlt, wie man die Datenbank migriert.", "continue"),

    # ---------------------------------------------------------------- status-report
    ("status-report", "I was on parental leave for 3 weeks. what has happened in this repo since then? give me the highlights", "claude_code"),
    ("status-report", "Draft this week's update for the product owner: checkout redesign merged, payment retries in QA, search still blocked by the Elastic upgrade"),
    ("status-report", "vad har hänt i projektet sen i fredags? kort sammanställning till teamet", "codex"),
    ("status-report", "Turn these notes into a status email for the steering group: infra migration 80% done, two services left, risk: DNS cutover date"),
    ("status-report", "generate a changelog-style summary of everything merged to main this month for the monthly all-hands"),

    # ---------------------------------------------------------------- refactoring
    ("refactoring", "This ViewModel uses GlobalScope, swap it for viewModelScope and make items immutable state, nothing else should change\n\n" + KOTLIN),
    ("refactoring", "vectorize this pandas loop, result must stay the same\n\n" + PANDAS, "continue"),
    ("refactoring", "the handlers in api/ all parse the auth header the same way, consolidate that into middleware"),
    ("refactoring", "Make `OrderService` depend on an interface instead of the concrete Postgres repo so we can test it", "codex"),
    ("refactoring", "flytta all valideringslogik från vyerna till ett separat forms-lager"),
    ("refactoring", "reduce the 14 parameters of create_report() to a config object, keep call sites working", "aider"),
    ("refactoring", "there's too much going on in app.js (900 lines), break it into modules by feature", "qwen"),

    # ---------------------------------------------------------------- debugging
    ("debugging", "server crashes when uploading a big file:\n\n```\n" + GO_TRACE + "\n```"),
    ("debugging", "after bumping spring boot to 3.2 the app won't start, says it can't find a bean of type DataSource"),
    ("debugging", "my k8s pod keeps restarting, CrashLoopBackOff, logs are empty. wat do", "codex"),
    ("debugging", "the unit test for parse_date passes on my laptop but breaks in github actions with an off-by-one-day result, timezone?"),
    ("debugging", "Plots in the notebook show nothing since I upgraded matplotlib, just an empty figure"),
    ("debugging", "users in Safari are logged out after every refresh, Chrome fine. cookies look set. help", "claude_code"),
    ("debugging", "Det blir dubbletter i tabellen varje gång cron-jobbet körs, hittar inte varför", "qwen"),
    ("debugging", "the ESP32 reboots every few minutes with a watchdog reset when wifi is on", "aider"),
    ("debugging", "Why does `npm ci` hang forever on the build agent? no output after 'idealTree'"),

    # ---------------------------------------------------------------- simple-coding
    ("simple-coding", "python: how do I get yesterday's date as YYYY-MM-DD"),
    ("simple-coding", "write a bash one liner that counts lines of code in all .go files excluding vendor"),
    ("simple-coding", "add a created_at timestamp column to the Invoice model with a default of now", "aider"),
    ("simple-coding", "is there a built in way to deep copy an object in JS?"),
    ("simple-coding", "make the table rows clickable so they open the detail page", "continue"),
    ("simple-coding", "return 404 instead of 500 when the user id doesn't exist in GET /users/:id", "claude_code"),
    ("simple-coding", "hur loopar jag över en dict med index i python?"),
    ("simple-coding", "Generate a TypeScript type for this JSON: {\"id\": 1, \"tags\": [\"a\"], \"owner\": {\"name\": \"x\"}}"),

    # ---------------------------------------------------------------- multi-file
    ("multi-file", "Spin up a new Flask app for the webhook receiver: app factory, blueprint for /hooks, config per environment, requirements.txt, a Dockerfile and pytest setup"),
    ("multi-file", "create the full settings feature: backend endpoint, DB table, React page with a form, and e2e test", "claude_code"),
    ("multi-file", "Generate a Rust workspace with three crates: core, cli and server, with Cargo.toml files and a basic main for each", "codex"),
    ("multi-file", "jag behöver ett nytt Django-projekt med två appar (konton och butik), settings uppdelat i dev/prod och docker-compose för postgres"),
    ("multi-file", "write the Kubernetes manifests for the api: deployment, service, ingress, configmap and a HPA", "qwen"),

    # ---------------------------------------------------------------- architecture
    ("architecture", "We have a Postgres table with 2B rows of events and queries are getting slow. Partitioning, Timescale, or move analytics to ClickHouse? Looking for a direction, not code."),
    ("architecture", "how would you lay out the modules for a plugin system in our desktop app so third parties can add exporters safely?", "claude_code"),
    ("architecture", "Should notifications be their own service or stay in the monolith for now? we're 4 devs", "codex"),
    ("architecture", "vi funderar på att byta från REST till GraphQL för mobilappen, vad talar för och emot?"),
    ("architecture", "Think about how we'd support multiple currencies end-to-end (pricing, invoices, reporting) and outline a design before we start", "aider"),
    ("architecture", "What's a good way to do feature flags across 6 services without buying LaunchDarkly? I want options with trade-offs"),

    # ---------------------------------------------------------------- code-review
    ("code-review", "thoughts on this before I open the PR?\n\n```diff\n" + DIFF_CACHE + "```"),
    ("code-review", "Go through the settings change and tell me if it's safe for production\n\n" + DIFF_SETTINGS, "claude_code"),
    ("code-review", "please give this kotlin a once-over, I'm new to coroutines\n\n" + KOTLIN, "continue"),
    ("code-review", "Ist dieser Code so in Ordnung? Mir geht es vor allem um Fehlerbehandlung.\n\n```python\ndef load(path):\n    try:\n        return json.load(open(path))\n    except:\n        return {}\n```"),
    ("code-review", "anything I should change in this firmware patch? it's for a medical device so be picky\n\n" + DIFF_UDIFF, "aider"),

    # ---------------------------------------------------------------- reasoning
    ("reasoning", "If I roll two dice, what's the chance the sum is at least 10?"),
    ("reasoning", "100 prisoners and a light bulb puzzle — what's the strategy and roughly how long does it take?"),
    ("reasoning", "Our API gets 1,200 req/s at peak and each request holds a DB connection for 15 ms on average. How many connections does the pool need, with some headroom? Show the math.", "codex"),
    ("reasoning", "Är 0,999... (upprepat) lika med 1? Förklara varför"),
    ("reasoning", "A bag has 4 red and 6 blue balls; draw 3 without replacement. Probability that exactly two are red?", "claude_code"),
    ("reasoning", "which grows faster, n^100 or 1.01^n? justify it"),

    # ---------------------------------------------------------------- non-coding
    ("non-coding", "Can you make this LinkedIn post sound less like a robot wrote it: 'Excited to announce that I have joined Acme as Senior Engineer. Looking forward to new challenges.'"),
    ("non-coding", "good evening :)", "claude_code"),
    ("non-coding", "översätt till tyska: 'Leveransen är försenad med två dagar, vi ber om ursäkt.'"),
    ("non-coding", "write a short speech for my colleague's farewell party, she's been here 12 years"),
    ("non-coding", "Here are notes from the customer call, turn them into 5 bullet points for the sales team: they like the product, pricing is too high for the small plan, they want SSO, renewal in March, champion is the CTO", "continue"),
    ("non-coding", "what should I cook tonight with leftover rice, two eggs and some spinach?", "qwen"),
]

# Side requests, client-named tasks and long content (see generate.py for the shapes).
SIDE = [
    ("commit-message", DIFF_UDIFF, "aider_commit"),
    ("commit-message", DIFF_CACHE, "aider_commit"),
    ("background", "# USER\nadd SSO\n# ASSISTANT\nI added an OIDC client in auth/oidc.py ...\n# USER\nnow the logout", "aider_summary"),
    ("background", "refresh the dependencies", "aider_ping"),
    ("background", "varför kraschar appen när jag loggar ut?", "cc_title_json"),
    ("background", "User: set up eslint with the airbnb config\n\nClaude: I installed eslint and ...", "cc_title_short"),
    ("background", "can you also handle the 409 case", "cc_topic"),
    ("background", "migrate the settings page to the new form library", "cc_compact"),
    ("background", "quota", "cc_quota"),
    ("background", "refactor the scheduler", "cc_count_tokens"),
    ("background", "Command: git diff HEAD~2 -- firmware/src\nOutput: diff --git a/firmware/src/uart.c ...", "cc_filepaths"),
    ("background", "Warmup", "cc_warmup"),
    ("background", "add the retry budget to the http client", "codex_memento"),
    ("background", "split the monolith's billing module", "codex_compact_kind"),
    ("background", "speed up cold start", "codex_compact_subagent"),
    ("background", "write the migration", "codex_compact_endpoint"),
    ("background", "add dark mode", "qwen_compress"),
    ("background", "fix the flaky test", "qwen_next_speaker"),
    ("background", "User: what's a good folder layout for a go cli?\nAssistant: cmd/, internal/ ...", "continue_title"),
    ("code-review", "the changes against the base branch 'main'", "codex_review"),
    ("long-context", "Below is the full export of our support inbox for October. Which product areas generate the most complaints?", "lc_paste_sdk"),
    ("long-context", "Read through these modules and suggest where the N+1 queries are", "lc_codex"),
    ("long-context", "fix the failing integration tests", "lc_cc_tools"),
    ("long-context", "add type hints everywhere in these files", "lc_aider"),
    ("autocomplete", ("fun total(items: List<Item>): Double {\n    return ", "\n}"), "fim_qwen"),
    ("autocomplete", ("const router = express.Router();\nrouter.get('/health', ", ");\n"), "fim_starcoder"),
    ("autocomplete", ("#include <stdio.h>\nint main(void) {\n    ", "\n    return 0;\n}"), "fim_deepseek"),
    ("autocomplete", ("def parse_args():\n    parser = argparse.ArgumentParser()\n", None), "plain_completion"),
]
