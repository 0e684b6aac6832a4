# Smoke run of the frozen Windows app, as scripts/smoke-app does on Linux: version, demo data,
# templates, the register, a visit's report, a bundle to a second data folder, both syncing through
# a shared folder, the log file (written, nothing personal in it), and the window opening and
# closing. Run by .github/workflows/windows.yml from the repository's folder:
#     pwsh resources\windows\smoke.ps1 -App dist\qa-desktop
# The data is encrypted with a key in Windows Credential Manager, as on a council laptop.
param(
    [Parameter(Mandatory = $true)][string]$App,
    [int]$Starts = 3
)
$ErrorActionPreference = "Stop"
$cli = Join-Path (Resolve-Path $App) "qa-desktop.exe"
$gui = Join-Path (Resolve-Path $App) "QA Desktop.exe"
$work = Join-Path $env:RUNNER_TEMP ("qa-smoke-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
$a = Join-Path $work "laptop-a"
$b = Join-Path $work "laptop-b"
# a shared folder deep enough that its files pass Windows' 260-character limit (paths.long_path)
$shared = Join-Path $work ("OneDrive - Example Council\Children's Commissioning\Quality Assurance\" +
    "QA Desktop shared folder (do not rename or move)\" + ("team" * 20))
New-Item -ItemType Directory -Force -Path $work, (Split-Path $shared) | Out-Null

function Run([string]$Name, [string[]]$Arguments) {
    $output = & $cli @Arguments 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { Write-Host $output; throw "smoke: $Name failed (exit $LASTEXITCODE)" }
    Set-Content -Path (Join-Path $work "step-$Name.txt") -Value $output -Encoding utf8
    return $output
}
function Expect([string]$Output, [string]$Text) {
    if (-not $Output.Contains($Text)) { Write-Host $Output; throw "smoke: expected '$Text'" }
}

$out = Run "version" @("--version", "--data-dir", $a)
Expect $out "Database schema: no data yet"
Expect (Run "demo" @("demo", "--data-dir", $a)) "Demo data loaded"
Expect (Run "templates" @("templates", "--data-dir", $a)) "14 templates"
Expect (Run "providers" @("providers", "--data-dir", $a)) "13 providers"
Expect (Run "due" @("due", "--data-dir", $a)) "OVERDUE"
$out = Run "visits" @("visits", "--status", "in_progress", "--data-dir", $a)
Expect $out "1 visit(s)"
$visit = (($out -split "`r?`n")[2] -split "\s+")[0]
Expect (Run "report-kept" @("report", $visit, "--data-dir", $a)) "kept encrypted in the data folder"
$out = Run "report" @("report", $visit, "--out", (Join-Path $work "report.pdf"), "--data-dir", $a)
Expect $out "Report written:"
$pdf = [regex]::Match($out, "Report written: (.*\.pdf) \(").Groups[1].Value
if (-not (Test-Path $pdf)) { throw "smoke: no report at $pdf" }
$head = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($pdf), 0, 5)
if ($head -ne "%PDF-") { throw "smoke: the report is not a PDF" }

$out = Run "export" @("export-visit", $visit, (Join-Path $work "visit.qabundle"), "--data-dir", $a)
$code = [regex]::Match($out, "Code to open it: ([A-Z0-9-]+)").Groups[1].Value
Run "import" @("import-bundle", (Join-Path $work "visit.qabundle"), "--code", $code, "--data-dir", $b) | Out-Null
Expect (Run "report-b" @("report", $visit, "--data-dir", $b)) "kept encrypted in the data folder"
Run "sync-a" @("sync", "--folder", $shared, "--data-dir", $a) | Out-Null
Run "sync-b" @("sync", "--folder", $shared, "--data-dir", $b) | Out-Null
Expect (Run "providers-b" @("providers", "--data-dir", $b)) "13 providers"

$log = Join-Path $env:LOCALAPPDATA "qa-desktop\Logs\qa-desktop.log"
if (-not (Test-Path $log)) { throw "smoke: no log file at $log" }
$logText = Get-Content $log -Raw
foreach ($personal in @("Harbour View", "Maple Lodge", $env:USERNAME)) {
    if ($logText.Contains($personal)) { throw "smoke: the log holds personal data: $personal" }
}

# the window: time from start to the register on screen, then closed as a person would
for ($i = 1; $i -le $Starts; $i++) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $process = Start-Process -FilePath $gui -ArgumentList @("--data-dir", "`"$a`"") -PassThru
    while (-not $process.HasExited -and $clock.Elapsed.TotalSeconds -lt 30) {
        $process.Refresh()
        if ($process.MainWindowTitle -like "*provider register*") { break }
        Start-Sleep -Milliseconds 20
    }
    if ($process.HasExited -or -not ($process.MainWindowTitle -like "*provider register*")) {
        throw "smoke: the window did not open"
    }
    Write-Host ("smoke: window {0} of {1} open after {2} ms" -f $i, $Starts, $clock.ElapsedMilliseconds)
    Start-Sleep -Milliseconds 500
    $process.CloseMainWindow() | Out-Null
    if (-not $process.WaitForExit(20000)) { $process.Kill(); throw "smoke: the window did not close" }
}
$size = (Get-ChildItem -Recurse -File $App | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("smoke: passed; the app folder is {0:N0} MB" -f $size)
