# Windows bootstrap in the shape of NUKE's build.ps1 (build.cmd calls this; Unix uses build.sh).
[CmdletBinding()]
Param([Parameter(Position = 0, Mandatory = $false, ValueFromRemainingArguments = $true)][string[]]$BuildArguments)

Set-StrictMode -Version 2.0; $ErrorActionPreference = "Stop"; $ConfirmPreference = "None"
trap { Write-Error $_ -ErrorAction Continue; exit 1 }

$BuildProjectFile = "$PSScriptRoot\build\_build.csproj"
$BuildAssembly = "$PSScriptRoot\build\bin\Debug\net10.0\_build.dll"
$TempDirectory = "$PSScriptRoot\.nuke\temp"
$DotNetGlobalFile = "$PSScriptRoot\global.json"
$DotNetInstallUrl = if ($env:DOTNET_INSTALL_URL) { $env:DOTNET_INSTALL_URL } else { "https://dot.net/v1/dotnet-install.ps1" }

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1
$env:DOTNET_MULTILEVEL_LOOKUP = 0

# Use dotnet from PATH when it can run an SDK that satisfies global.json; else a private SDK in .nuke\temp.
$DotNet = Get-Command "dotnet" -ErrorAction SilentlyContinue
Push-Location $PSScriptRoot
try { if ($null -ne $DotNet) { & dotnet --version *> $null; if ($LASTEXITCODE -ne 0) { $DotNet = $null } } } finally { Pop-Location }
if ($null -ne $DotNet) {
    $env:DOTNET_EXE = $DotNet.Path
} else {
    $DotNetDirectory = "$TempDirectory\dotnet-win"
    $env:DOTNET_EXE = "$DotNetDirectory\dotnet.exe"
    if (!(Test-Path $env:DOTNET_EXE)) {
        New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
        $InstallScript = "$TempDirectory\dotnet-install.ps1"
        try { (New-Object System.Net.WebClient).DownloadFile($DotNetInstallUrl, $InstallScript) }
        catch { throw "could not download dotnet-install.ps1 from $DotNetInstallUrl; install the .NET SDK named in global.json and put dotnet on PATH." }
        & powershell $InstallScript -InstallDir $DotNetDirectory -JSonFile $DotNetGlobalFile -NoPath
    }
    $env:DOTNET_ROOT = $DotNetDirectory
}

# Rebuild only when a build input changed since the last build (a warm run is one process start).
$Inputs = Get-ChildItem "$PSScriptRoot\build" -Recurse -File -Include *.cs,*.csproj,*.props,*.targets |
    Where-Object { $_.FullName -notmatch '\\(bin|obj)\\' } | Sort-Object FullName |
    ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }
$Stamp = ($Inputs -join "`n") + (Get-Item $DotNetGlobalFile).LastWriteTimeUtc.Ticks
$StampFile = "$TempDirectory\build.stamp"
if (!(Test-Path $BuildAssembly) -or !(Test-Path $StampFile) -or ((Get-Content $StampFile -Raw) -ne $Stamp)) {
    New-Item -ItemType Directory -Path $TempDirectory -Force | Out-Null
    Remove-Item $StampFile -ErrorAction SilentlyContinue
    & $env:DOTNET_EXE build $BuildProjectFile /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet
    if ($LASTEXITCODE -ne 0) { throw "the build project did not compile; fix the errors above (dotnet build $BuildProjectFile)." }
    Set-Content -Path $StampFile -Value $Stamp -NoNewline
}

& $env:DOTNET_EXE $BuildAssembly $BuildArguments
exit $LASTEXITCODE
