# Held-out batch 3: user prompts written after the rules of 9d3cc97 (main) were tuned on batches 1 and 2, and
# measured once before any change made because of them. Same format as batch1_prompts.py.

DIFF_AUTH = """diff --git a/internal/auth/jwt.go b/internal/auth/jwt.go
--- a/internal/auth/jwt.go
+++ b/internal/auth/jwt.go
@@ -22,8 +22,8 @@ func Verify(tok string) (*Claims, error) {
-	parsed, err := jwt.ParseWithClaims(tok, &Claims{}, keyFunc)
+	parsed, _ := jwt.ParseWithClaims(tok, &Claims{}, keyFunc)
-	if err != nil || !parsed.Valid {
+	if !parsed.Valid {
 		return nil, ErrInvalidToken
 	}
"""

DIFF_README = """--- a/README.md
+++ b/README.md
@@ -1,6 +1,9 @@
 # shopfront
-Run `npm start`.
+## Running locally
+
+1. `cp .env.example .env`
+2. `docker compose up -d db`
+3. `npm run dev`
"""

JAVA_TRACE = """Exception in thread "main" java.lang.IllegalStateException: Failed to load ApplicationContext
Caused by: org.springframework.beans.factory.UnsatisfiedDependencyException: Error creating bean with name 'orderController'
	at org.springframework.beans.factory.support.ConstructorResolver.createArgumentArray(ConstructorResolver.java:801)"""

SWIFT = """```swift
func loadProfile(id: String, completion: @escaping (Profile?) -> Void) {
    URLSession.shared.dataTask(with: url(for: id)) { data, _, _ in
        guard let data = data else { completion(nil); return }
        completion(try? JSONDecoder().decode(Profile.self, from: data))
    }.resume()
}
```"""

SQL = """```sql
SELECT u.id, u.email, (SELECT COUNT(*) FROM orders o WHERE o.user_id = u.id) AS n
FROM users u
WHERE u.created_at > now() - interval '30 days'
ORDER BY n DESC;
```"""

BATCH = [
    # ---------------------------------------------------------------- commit-message
    ("commit-message", "what would be a good commit for this?\n\n" + DIFF_README),
    ("commit-message", "Write me the commit message for the JWT change, follow our convention type(scope): summary", "claude_code"),
    ("commit-message", "i need a commit msg, changed: bumped eslint, fixed 40 lint warnings, no logic changes", "codex"),
    ("commit-message", "Commit-meddelande tack, på svenska: la till CSV-export i rapportvyn", "continue"),
    ("commit-message", "stage everything and commit with a descriptive message", "qwen"),

    # ---------------------------------------------------------------- documentation
    ("documentation", "add KDoc to the public functions in PriceCalculator.kt"),
    ("documentation", "We need a runbook for the on-call rotation: how to restart the workers, where the dashboards are, who to call. markdown please", "claude_code"),
    ("documentation", "the CLI --help text is useless, rewrite the help strings for every subcommand so they actually explain the options", "codex"),
    ("documentation", "Skriv en README för det här biblioteket med installation, ett kort exempel och licens"),
    ("documentation", "document what each column in the orders table means, as a markdown table for the wiki"),
    ("documentation", "Explain this function with comments line by line for a beginner, dont touch the code itself\n\n" + SQL, "continue"),

    # ---------------------------------------------------------------- status-report
    ("status-report", "can you look at the PRs merged since the 1st and write a summary of what shipped for the newsletter to customers"),
    ("status-report", "Give me a progress summary of the migration epic for tomorrow's planning meeting", "claude_code"),
    ("status-report", "Hur ligger vi till med releasen? Kolla commits och öppna issues och sammanfatta", "codex"),
    ("status-report", "standup notes for me pls — yesterday: fixed the invoice rounding; today: pdf export; blocked: nothing"),
    ("status-report", "write the end of quarter engineering summary: what we delivered, what slipped, key metrics"),

    # ---------------------------------------------------------------- refactoring
    ("refactoring", "move the duplicated date formatting into a util and use it from all three components", "claude_code"),
    ("refactoring", "Convert this completion-handler code to async/await\n\n" + SWIFT),
    ("refactoring", "rewrite the correlated subquery as a join, it must return exactly the same rows\n\n" + SQL, "aider"),
    ("refactoring", "The Python package has circular imports between models and services, restructure it so that doesn't happen", "codex"),
    ("refactoring", "gör om klassen till rena funktioner, beteendet ska vara exakt detsamma"),
    ("refactoring", "our React components pass props down 5 levels, replace that with a context", "qwen"),

    # ---------------------------------------------------------------- debugging
    ("debugging", "app won't boot:\n\n```\n" + JAVA_TRACE + "\n```", "claude_code"),
    ("debugging", "celery tasks are queued but never picked up by the worker, redis is reachable"),
    ("debugging", "Why do I get 'Too many open files' after the service runs for a day?", "codex"),
    ("debugging", "the graphql query returns null for author even though the DB row has it", "qwen"),
    ("debugging", "my iOS build fails on CI with 'No signing certificate found' but archives fine locally"),
    ("debugging", "Requests to the payment provider randomly take 30s and then succeed. no pattern I can see", "aider"),
    ("debugging", "React state isn't updating after setState, the UI shows the old value until I click again", "continue"),
    ("debugging", "Varför får jag 'connection refused' mot postgres från docker-containern när den funkar från värden?"),

    # ---------------------------------------------------------------- simple-coding
    ("simple-coding", "regex for a Swedish postcode (123 45 or 12345)"),
    ("simple-coding", "add a loading spinner to the login button while the request is pending", "continue"),
    ("simple-coding", "write a Go function that retries an HTTP GET three times with exponential backoff"),
    ("simple-coding", "what's the difference between == and === in JavaScript"),
    ("simple-coding", "Sort this list of dicts by the 'price' key descending in python", "codex"),
    ("simple-coding", "Write a pytest for the `apply_discount` function covering zero and negative amounts", "aider"),
    ("simple-coding", "how do I make a column nullable in a django migration?", "qwen"),

    # ---------------------------------------------------------------- multi-file
    ("multi-file", "Create a Next.js app with an API route for /api/todos, a page that lists todos, a Prisma schema and a seed script"),
    ("multi-file", "Set up a Terraform module layout for three environments (dev, staging, prod) with shared modules for network and db", "claude_code"),
    ("multi-file", "Generate a Python package skeleton: src layout, pyproject, tests folder, GitHub workflow, pre-commit, README", "codex"),
    ("multi-file", "Implementera inloggning hela vägen: modell, API-endpoints, frontend-formulär och tester", "qwen"),
    ("multi-file", "add an audit log feature: new table + migration, a model, a service that writes entries, hook it into the three controllers, and tests for each"),

    # ---------------------------------------------------------------- architecture
    ("architecture", "We're about to add real-time collaboration to the editor. CRDTs or operational transforms, and what does the server side look like?", "claude_code"),
    ("architecture", "Sketch how background jobs should work across our services: scheduling, retries, idempotency, observability. No code yet."),
    ("architecture", "should the mobile app talk directly to our microservices or through a BFF? pros and cons for a team of 3", "codex"),
    ("architecture", "Hur ska vi lagra filuppladdningar på sikt — i databasen, på disk eller i S3? Vi växer snabbt."),
    ("architecture", "Propose how to split our 300k-line Rails monolith into modules before extracting any services", "aider"),

    # ---------------------------------------------------------------- code-review
    ("code-review", "is this safe?\n\n```diff\n" + DIFF_AUTH + "```", "claude_code"),
    ("code-review", "Review the readme change for clarity and correctness:\n\n" + DIFF_README),
    ("code-review", "Could you critique my SQL? It feels slow and clunky\n\n" + SQL, "continue"),
    ("code-review", "I wrote this swift networking code last night, what would you improve before I merge?\n\n" + SWIFT, "codex"),
    ("code-review", "granska ändringen i jwt.go innan jag mergar\n\n" + DIFF_AUTH, "aider"),

    # ---------------------------------------------------------------- reasoning
    ("reasoning", "How many handshakes happen if 12 people each shake hands with everyone else once?"),
    ("reasoning", "Is every prime greater than 3 of the form 6k±1? Prove it or find a counterexample", "codex"),
    ("reasoning", "If a cache has a 90% hit rate at 1 ms and misses cost 50 ms, what's the average latency? and at 99%?"),
    ("reasoning", "Monty Hall: why is switching better? I never got it", "claude_code"),
    ("reasoning", "Tre personer delar på en nota på 1 350 kr där en ska betala dubbelt så mycket som de andra. Hur mycket betalar var och en?"),

    # ---------------------------------------------------------------- non-coding
    ("non-coding", "Write a friendly reminder to the team that the office closes at 3pm on Friday"),
    ("non-coding", "tack så mycket för hjälpen!", "claude_code"),
    ("non-coding", "Translate the error message texts in this list to Finnish: 'File not found', 'Access denied', 'Try again later'", "continue"),
    ("non-coding", "suggest a name for our internal hackathon, something fun"),
    ("non-coding", "summarize this customer email in two sentences: Hello, we ordered 40 chairs in May and 6 arrived damaged. We have contacted your support twice without an answer and would like replacements before our event on June 14th.", "qwen"),
]

SIDE = [
    ("commit-message", DIFF_AUTH, "aider_commit"),
    ("commit-message", DIFF_README, "aider_commit"),
    ("background", "# USER\nwhy is the jwt check passing bad tokens\n# ASSISTANT\nThe error from ParseWithClaims is ignored ...", "aider_summary"),
    ("background", "add a runbook", "aider_ping"),
    ("background", "the celery worker is not picking up tasks", "cc_title_json"),
    ("background", "User: make the invoices page faster\n\nClaude: I added an index on invoices(customer_id) ...", "cc_title_short"),
    ("background", "and the mobile app too", "cc_topic"),
    ("background", "refactor the pricing module", "cc_compact"),
    ("background", "quota", "cc_quota"),
    ("background", "write the terraform modules", "cc_count_tokens"),
    ("background", "Command: cat package.json tsconfig.json\nOutput: {...}", "cc_filepaths"),
    ("background", "implement the audit log", "codex_memento"),
    ("background", "fix the graphql null author", "codex_compact_subagent"),
    ("background", "add the KDoc comments", "qwen_compress"),
    ("background", "User: how do I mock fetch in vitest?\nAssistant: Use vi.fn() ...", "continue_title"),
    ("code-review", "the changes against the base branch 'release/2.1'", "codex_review"),
    ("long-context", "Here's the entire server log from the outage window. What happened first?", "lc_paste_sdk"),
    ("long-context", "explain how these modules interact and where the bottleneck is", "lc_codex"),
    ("long-context", "the build is red, figure out why", "lc_cc_tools"),
    ("autocomplete", ("def slugify(text: str) -> str:\n    ", "\n"), "fim_qwen"),
    ("autocomplete", ("SELECT * FROM orders WHERE ", ";"), "fim_codestral"),
    ("autocomplete", ("// compute the average of an array\nfunction avg(xs) {\n", None), "plain_completion"),
]
