#!/usr/bin/env node
// Runs the whole test suite (vitest) and ends with the plain summary line
// `tests: N passed, M failed` that CI reads. Extra arguments go to vitest.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"

const report = ".vitest-report.json"
rmSync(report, { force: true })
const run = spawnSync(
  "vitest",
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit", shell: process.platform === "win32" }
)

let passed = 0
let failed = 0
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"))
  passed = json.numPassedTests ?? 0
  failed = (json.numFailedTests ?? 0) + (json.numFailedTestSuites ?? 0)
  rmSync(report, { force: true })
} else {
  failed = 1
}
if (run.status !== 0 && failed === 0) failed = 1
console.log(`tests: ${passed} passed, ${failed} failed`)
process.exit(run.status === 0 && failed === 0 ? 0 : 1)
