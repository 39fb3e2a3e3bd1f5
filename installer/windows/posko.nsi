; Posko Desk Pilkada: Windows installer (NSIS 3). Compile through make_installer.py, which
; reads the version, publisher and description from pyproject.toml and passes them here:
;   python installer/windows/make_installer.py dist\posko-desk dist
; Per machine under Program Files; Start-menu shortcuts for the app and for the command
; line; .posko files open with the app (which asks before importing); an uninstaller that
; leaves every user's data folder (database, backups, keys, logs) and says so.

Unicode true
!ifndef VERSION | VERSION4 | PUBLISHER | DESCRIPTION | DIST | ICON | OUTFILE
  !error "Use make_installer.py (it defines VERSION, VERSION4, PUBLISHER, DESCRIPTION, DIST, ICON, OUTFILE)"
!endif

!define APP "Posko Desk Pilkada"
!define REG_KEY "Software\PoskoDesk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PoskoDesk"
!define PROG_ID "PoskoDesk.Package"
!define MENU_DIR "$SMPROGRAMS\Posko Desk"

!include "MUI2.nsh"
!include "x64.nsh"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Posko Desk"
InstallDirRegKey HKLM "${REG_KEY}" "InstallDir"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${PUBLISHER}"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${DESCRIPTION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\posko-desktop.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"

LangString CONSOLE ${LANG_INDONESIAN} "Posko Desk (baris perintah)"
LangString CONSOLE ${LANG_ENGLISH} "Posko Desk (baris perintah)"
LangString PACKAGE ${LANG_INDONESIAN} "Paket sinkronisasi Posko Desk"
LangString PACKAGE ${LANG_ENGLISH} "Posko Desk sync package"
LangString DATA_KEPT ${LANG_INDONESIAN} "Posko Desk sudah dihapus dari komputer ini.$\r$\n$\r$\nData Anda TIDAK dihapus: basis data, cadangan, kunci dan log tetap ada di folder data setiap pengguna ($LOCALAPPDATA\Pemprov Jateng\PoskoDesk). Hapus folder itu sendiri bila memang tidak diperlukan lagi."
LangString DATA_KEPT ${LANG_ENGLISH} "Posko Desk was removed from this computer.$\r$\n$\r$\nYour data was NOT removed: the database, backups, keys and logs stay in each user's data folder ($LOCALAPPDATA\Pemprov Jateng\PoskoDesk). Delete that folder yourself if it is really no longer needed."

Function .onInit
  SetRegView 64
  SetShellVarContext all
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "Posko Desk" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; Upgrade in place: the old program files go, the users' data (in their profiles) stays;
  ; the app migrates the database after a verified backup at its first start.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*.*"
  File "/oname=posko-desk.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "${MENU_DIR}"
  CreateShortcut "${MENU_DIR}\${APP}.lnk" "$INSTDIR\posko-desktop.exe" "" "$INSTDIR\posko-desk.ico"
  ; a console in the user's folder with posko on the PATH
  CreateShortcut "${MENU_DIR}\$(CONSOLE).lnk" "$SYSDIR\cmd.exe" \
    '/k "set "PATH=$INSTDIR;%PATH%" && cd /d "%USERPROFILE%" && posko --version"' \
    "$INSTDIR\posko-desk.ico"

  ; .posko opens with the app, which asks before importing
  WriteRegStr HKLM "Software\Classes\.posko" "" "${PROG_ID}"
  WriteRegStr HKLM "Software\Classes\${PROG_ID}" "" "$(PACKAGE)"
  WriteRegStr HKLM "Software\Classes\${PROG_ID}\DefaultIcon" "" "$INSTDIR\posko-desk.ico,0"
  WriteRegStr HKLM "Software\Classes\${PROG_ID}\shell\open\command" "" '"$INSTDIR\posko-desktop.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr HKLM "${REG_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\posko-desk.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Only what the installer put here; never the users' data folders.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\posko.exe"
  Delete "$INSTDIR\posko-desktop.exe"
  Delete "$INSTDIR\posko-desk.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "${MENU_DIR}\${APP}.lnk"
  Delete "${MENU_DIR}\$(CONSOLE).lnk"
  RMDir "${MENU_DIR}"
  ReadRegStr $0 HKLM "Software\Classes\.posko" ""
  StrCmp $0 "${PROG_ID}" 0 +2
    DeleteRegKey HKLM "Software\Classes\.posko"
  DeleteRegKey HKLM "Software\Classes\${PROG_ID}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DeleteRegKey HKLM "${REG_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DetailPrint "$(DATA_KEPT)"
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "$(DATA_KEPT)"
SectionEnd
