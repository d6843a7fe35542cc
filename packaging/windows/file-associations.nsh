; Included by CPack's NSIS installer (CPACK_NSIS_EXTRA_INSTALL_COMMANDS, see packaging/cpack.cmake).
; Registers CosmoCLIP for FITS files: listed under "Open with" for .fits/.fit/.fts, and made the
; default program only where no other program has claimed the extension.
WriteRegStr HKCR "CosmoCLIP.FITS" "" "FITS image"
WriteRegStr HKCR "CosmoCLIP.FITS\DefaultIcon" "" "$INSTDIR\bin\cosmoclip-gui.exe,0"
WriteRegStr HKCR "CosmoCLIP.FITS\shell\open\command" "" '"$INSTDIR\bin\cosmoclip-gui.exe" "%1"'
!macro CosmoClipAssociate EXT
  WriteRegStr HKCR "${EXT}\OpenWithProgids" "CosmoCLIP.FITS" ""
  ReadRegStr $0 HKCR "${EXT}" ""
  StrCmp $0 "" 0 +2
    WriteRegStr HKCR "${EXT}" "" "CosmoCLIP.FITS"
!macroend
!insertmacro CosmoClipAssociate ".fits"
!insertmacro CosmoClipAssociate ".fit"
!insertmacro CosmoClipAssociate ".fts"
System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
