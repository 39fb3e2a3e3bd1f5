# Smoke-test a PyInstaller build on Windows in a bare environment: the same steps as
# installer/check-bundle.sh (init, add, demo data, stats, chart, sitrep, GUI offscreen to
# its first painted rows).   powershell -File installer\windows\check-bundle.ps1 [dist\posko-desk]
param([string]$Dist = "dist\posko-desk")
$ErrorActionPreference = "Stop"
$Dist = (Resolve-Path $Dist).Path
$Work = Join-Path ([System.IO.Path]::GetTempPath()) ("posko-check-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Work | Out-Null
$env:POSKO_DATA_DIR = Join-Path $Work "data"
$env:QT_QPA_PLATFORM = "offscreen"
$env:PYTHONUTF8 = "1"
$Db = Join-Path $Work "posko.sqlite3"
$Posko = Join-Path $Dist "posko.exe"
$Desktop = Join-Path $Dist "posko-desktop.exe"

function Step([string]$Exe, [string[]]$Arguments) {
  & $Exe @Arguments
  if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $Exe $($Arguments -join ' ')" }
}

Push-Location $Work   # nothing from the source tree is on the path
try {
  Step $Posko @("--version")
  Step $Posko @("--db", $Db, "init", "--site", "33", "--site-name", "Posko Desk Pilkada Provinsi Jawa Tengah",
                "--training")
  Step $Posko @("--db", $Db, "incident", "add", "--regency", "33.74", "--title", "Uji paket",
                "--category", "A1", "--severity", "tinggi", "--occurred", "2024-11-27 08:00")
  Step $Posko @("--db", $Db, "demo-data", "--incidents", "2000", "--days", "30",
                "--end-date", "2024-11-30", "--seed", "1")
  Step $Posko @("--db", $Db, "stats", "--by", "severity", "--format", "csv")
  Step $Posko @("--db", $Db, "chart", "tilemap", "--out", (Join-Path $Work "tilemap.png"))
  Step $Posko @("--db", $Db, "sitrep", "--date", "2024-11-28", "--out", (Join-Path $Work "sitrep.pdf"))
  # posko-desktop.exe is a GUI program: wait for it and read its exit code
  $gui = Start-Process -FilePath $Desktop -ArgumentList @("--db", "`"$Db`"", "--exit-after-first-paint") `
    -NoNewWindow -Wait -PassThru -RedirectStandardOutput (Join-Path $Work "gui.txt")
  if ($gui.ExitCode -ne 0) { throw "posko-desktop failed ($($gui.ExitCode))" }
  Get-Content (Join-Path $Work "gui.txt")
  Write-Output "bundle OK: $Dist"
} finally {
  Pop-Location
  Remove-Item -Recurse -Force $Work
}
