; QA Desktop's Windows installer (Inno Setup 6.3 or newer): installs the frozen app for the signed-in
; user only, in %LOCALAPPDATA%\Programs\QA Desktop, with a Start menu shortcut. No administrator rights
; are asked for: council laptops run without them. IT can still install for every user of a machine,
; from an administrator's prompt, with /ALLUSERS (then it goes to Program Files).
;
; Built by .github/workflows/windows.yml after resources/qa-desktop.spec has made dist\qa-desktop:
;     ISCC.exe /DAppVersion=0.1.0 resources\windows\qa-desktop.iss
; Silent install (software deployment, or IT on the officer's behalf):
;     QA-Desktop-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /CURRENTUSER /NORESTART
;
; The officer's data is never in the install folder: it lives in %LOCALAPPDATA%\qa-desktop (the
; database, photos, reports, the council's settings), its key in Windows Credential Manager, its
; log in %LOCALAPPDATA%\qa-desktop\Logs. Installing a new version, or uninstalling, leaves all of
; that alone.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root AddBackslash(SourcePath) + "..\.."
#define AppName "QA Desktop"

[Setup]
; The AppId identifies QA Desktop to Windows across versions (upgrades replace, never duplicate):
; never change it.
AppId={{C196F9BF-E770-4675-A596-8231CBDE7962}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Children's Commissioning Quality Assurance
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
; per-user: {autopf} is %LOCALAPPDATA%\Programs when not running as administrator
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=QA-Desktop-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\qa-desktop.ico
UninstallDisplayIcon={app}\{#AppName}.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; a running copy is asked to close (Restart Manager) so its files can be replaced
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade removes the previous version's libraries first, so none of its files is left behind
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\qa-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; Comment: "Quality assurance visits, reports and sync"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
