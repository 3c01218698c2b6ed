# Held-out batch 4: user prompts written before reading router/rules.yaml or the classifier (rules of main at ab00987,
# tuned on batches 1 and 2), and measured once before any change made because of them. Same format as
# batch1_prompts.py. Vocabulary, languages (German, Spanish, French, Swedish) and stacks (Elixir, Haskell, Flutter,
# Vue, Laravel, Kubernetes, Unity, embedded C, Spark) differ from the earlier batches on purpose.

DIFF_CACHE = """diff --git a/lib/cache/store.ex b/lib/cache/store.ex
--- a/lib/cache/store.ex
+++ b/lib/cache/store.ex
@@ -14,7 +14,10 @@ defmodule Cache.Store do
   def get(key) do
-    :ets.lookup(@table, key)
+    case :ets.lookup(@table, key) do
+      [{^key, value, exp}] when exp > now() -> {:ok, value}
+      _ -> :miss
+    end
   end
"""

DIFF_HELM = """--- a/charts/api/values.yaml
+++ b/charts/api/values.yaml
@@ -3,7 +3,9 @@ replicaCount: 2
 resources:
-  limits: {}
+  limits:
+    cpu: 500m
+    memory: 512Mi
+readinessProbe:
+  httpGet: {path: /healthz, port: 8080}
"""

C_RING = """```c
static uint8_t buf[64];
static volatile uint8_t head, tail;

void uart_isr(void) {
    buf[head++] = UDR0;
    if (head == 64) head = 0;
}

int uart_read(void) {
    if (head == tail) return -1;
    uint8_t c = buf[tail++];
    if (tail == 64) tail = 0;
    return c;
}
```"""

PY_TRACE = """Traceback (most recent call last):
  File "/srv/etl/jobs/daily.py", line 88, in <module>
    df = spark.read.parquet(src).join(dim, "sku")
  File "/opt/spark/python/pyspark/sql/dataframe.py", line 2154, in join
pyspark.errors.exceptions.captured.AnalysisException: [AMBIGUOUS_REFERENCE] Reference `sku` is ambiguous"""

VUE = """```vue
<script setup>
const props = defineProps(['items'])
const total = ref(0)
watch(props.items, () => { total.value = props.items.reduce((a, b) => a + b.price, 0) })
</script>
```"""

BATCH = [
    # ---------------------------------------------------------------- commit-message
    ("commit-message", "summarise my staged changes into a one-line conventional commit\n\n" + DIFF_HELM, "claude_code"),
    ("commit-message", "wie soll ich den Commit nennen? Ich habe das Ablaufdatum im Cache ergänzt", "codex"),
    ("commit-message", "git log entry for: renamed UserSvc to AccountService everywhere, no behaviour change", "continue"),
    ("commit-message", "Draft the squash-merge title and body for PR #412 (adds rate limiting to the public API)", "sdk"),

    # ---------------------------------------------------------------- documentation
    ("documentation", "the Elixir module has no @moduledoc or @doc at all, fill those in", "claude_code"),
    ("documentation", "write a CONTRIBUTING guide: branch naming, how to run the test suite, how we do releases", "codex"),
    ("documentation", "Generate an OpenAPI description for the three endpoints in routes/api.php with example payloads", "qwen"),
    ("documentation", "Necesito un changelog para la versión 3.2 a partir de estos cambios: soporte de Flutter web, arreglo del login con Apple, nueva pantalla de ajustes", "sdk"),
    ("documentation", "add haddock comments to every exported function in Parser.hs", "aider"),
    ("documentation", "explain in the wiki how our feature flags work end to end so new hires stop asking me", "continue"),

    # ---------------------------------------------------------------- status-report
    ("status-report", "what did I get done this week? go through my commits and write it up for my manager", "claude_code"),
    ("status-report", "Prepare the sprint review notes: finished stories, carried over, risks", "codex"),
    ("status-report", "Schreib mir einen kurzen Statusbericht zum Kubernetes-Umzug für die Geschäftsführung", "sdk"),
    ("status-report", "recap for the client call: where are we on the Unity port, what's left before beta", "qwen"),

    # ---------------------------------------------------------------- refactoring
    ("refactoring", "this watch is clumsy, use a computed instead and keep the same output\n\n" + VUE, "continue"),
    ("refactoring", "split the 900-line GameManager.cs into smaller single-responsibility classes", "claude_code"),
    ("refactoring", "replace the nested case statements in store.ex with pattern-matched function heads", "aider"),
    ("refactoring", "Extract the Spark session setup into a shared helper; every job copies the same 20 lines", "codex"),
    ("refactoring", "rename `tmp`, `x2` and `dataList` to names that mean something, nothing else changes", "qwen"),
    ("refactoring", "Nettoie ce contrôleur Laravel : trop de logique métier, déplace-la dans des services", "claude_code"),

    # ---------------------------------------------------------------- debugging
    ("debugging", "```\n" + PY_TRACE + "\n```", "codex"),
    ("debugging", "UART drops bytes under load on the ATmega, buffer code below. what's wrong?\n\n" + C_RING, "continue"),
    ("debugging", "pods keep getting OOMKilled roughly every 6 hours even though memory usage looks flat in grafana", "claude_code"),
    ("debugging", "Flutter: the list jumps back to the top every time I pop back from the detail screen", "qwen"),
    ("debugging", "the total in my Vue component stays 0 when I push a new item", "aider"),
    ("debugging", "Seit dem Update auf Laravel 11 bekomme ich bei jedem POST einen 419 Page Expired", "sdk"),
    ("debugging", "tests pass locally, on CI `test_refund_flow` hangs forever and times out after 60 min", "claude_code"),

    # ---------------------------------------------------------------- simple-coding
    ("simple-coding", "one-liner to count lines of code per file extension in bash"),
    ("simple-coding", "how do I debounce a text input in Vue 3 composition API?", "continue"),
    ("simple-coding", "Haskell: write `chunksOf :: Int -> [a] -> [[a]]` without importing Data.List.Split", "codex"),
    ("simple-coding", "add a --dry-run flag to the cleanup script that only prints what it would delete", "claude_code"),
    ("simple-coding", "what does `?.` do in Kotlin vs `!!`", "sdk"),
    ("simple-coding", "make the settings screen's save button disabled until something changes", "qwen"),

    # ---------------------------------------------------------------- multi-file
    ("multi-file", "scaffold a Phoenix LiveView CRUD for `bookings`: context, schema, migration, live views, templates and tests", "claude_code"),
    ("multi-file", "new microservice in Go for notifications: cmd/main.go, internal handlers, a Dockerfile, a helm chart and a Makefile", "codex"),
    ("multi-file", "Bootstrap a Flutter app with a home screen, a details screen, a repository layer talking to REST, and widget tests for both screens", "aider"),
    ("multi-file", "Crea un proyecto Express con TypeScript: servidor, rutas de usuarios, middleware de autenticación, configuración de jest y un docker-compose con Postgres", "sdk"),

    # ---------------------------------------------------------------- architecture
    ("architecture", "thinking about event sourcing for the ledger. worth it for ~50 req/s, or is a normal table with an audit trail enough? just talk it through", "claude_code"),
    ("architecture", "How should tenants be isolated in our SaaS — schema per tenant, row-level security, or separate databases? We have ~200 customers, a few huge ones", "codex"),
    ("architecture", "Before anyone writes code: what components do we need for offline sync in the Flutter app, and how do they fit together?", "aider"),
    ("architecture", "monorepo or polyrepo for 6 teams shipping 14 services? tradeoffs please", "sdk"),
    ("architecture", "Wie würdest du die Firmware für das Gerät strukturieren, damit wir später einen zweiten Sensor-Typ unterstützen können?", "continue"),

    # ---------------------------------------------------------------- code-review
    ("code-review", "Take a look at this before I push:\n\n```diff\n" + DIFF_CACHE + "```", "claude_code"),
    ("code-review", "any problems with these helm values?\n\n" + DIFF_HELM, "codex"),
    ("code-review", "is this ISR-safe? I'm not sure about the volatile usage\n\n" + C_RING, "sdk"),
    ("code-review", "second pair of eyes on the Vue snippet please, anything smelly?\n\n" + VUE, "continue"),

    # ---------------------------------------------------------------- reasoning
    ("reasoning", "A snail climbs 3 m a day up a 20 m well and slides back 2 m every night. On which day does it get out?", "sdk"),
    ("reasoning", "what's the probability that two of 30 people share a birthday, roughly, and why is it so high?", "claude_code"),
    ("reasoning", "If I double the replicas, does p99 latency halve? reason about it with queueing theory", "codex"),
    ("reasoning", "Combien de zéros à la fin de 100 factorielle ? Explique le raisonnement", "continue"),

    # ---------------------------------------------------------------- non-coding
    ("non-coding", "morning! how's it going", "claude_code"),
    ("non-coding", "turn these meeting notes into action items with owners: Anna books the venue, Erik sends invites, budget TBD", "sdk"),
    ("non-coding", "pull the invoice number, date and total out of this text as JSON: Invoice INV-2291 issued 2026-03-04, amount due EUR 1,240.00", "qwen"),
    ("non-coding", "Polish my cover letter for a backend developer job, keep it under 250 words: I have five years of experience building APIs and I like teamwork.", "continue"),
]

SIDE = [
    ("commit-message", DIFF_CACHE, "aider_commit"),
    ("commit-message", DIFF_HELM, "aider_commit"),
    ("background", "# USER\nthe UART drops bytes\n# ASSISTANT\nhead is written in the ISR and read without ...", "aider_summary"),
    ("background", "split GameManager", "aider_ping"),
    ("background", "pods get OOMKilled every 6 hours", "cc_title_json"),
    ("background", "User: scaffold the bookings LiveView\n\nClaude: I generated the context and schema ...", "cc_title_short"),
    ("background", "now the android side", "cc_topic"),
    ("background", "migrate the ledger to event sourcing", "cc_compact"),
    ("background", "write the helm chart", "cc_count_tokens"),
    # A sub-agent (x-claude-code-agent-id) sent a real search task, not the "Warmup" ping: it belongs to the user's task
    # (code Q&A), not to background. Labelled background at first by mistake; corrected after the first measurement.
    ("simple-coding", "Explore the repository and find where tenants are resolved", "cc_warmup"),
    ("background", "extract the spark session helper", "codex_compact_kind"),
    ("background", "add haddock comments", "qwen_next_speaker"),
    ("background", "User: how do I debounce in vue?\nAssistant: wrap the handler with a timeout ...", "continue_title"),
    ("long-context", "Attached is our whole design doc and the RFC thread. Which open questions are still unresolved?", "lc_paste_anthropic"),
    ("long-context", "go through all of these files and tell me why the nightly job is slow", "lc_aider"),
    ("long-context", "the logs above, what failed first", "lc_qwen_tools"),
    ("autocomplete", ("fn parse_port(s: &str) -> Option<u16> {\n    ", "\n}"), "fim_deepseek"),
    ("autocomplete", ("<template>\n  <ul>\n    <li v-for=\"", "\"></li>\n  </ul>\n</template>"), "fim_starcoder"),
    ("autocomplete", ("SELECT region, SUM(amount) FROM sales GROUP BY region", None), "suffix_param"),
]
