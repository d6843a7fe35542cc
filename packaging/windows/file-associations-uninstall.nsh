; Included by CPack's NSIS uninstaller (CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS): undoes
; file-associations.nsh, leaving extensions that another program has taken over alone.
!macro CosmoClipUnassociate EXT
  DeleteRegValue HKCR "${EXT}\OpenWithProgids" "CosmoCLIP.FITS"
  ReadRegStr $0 HKCR "${EXT}" ""
  StrCmp $0 "CosmoCLIP.FITS" 0 +2
    DeleteRegValue HKCR "${EXT}" ""
!macroend
!insertmacro CosmoClipUnassociate ".fits"
!insertmacro CosmoClipUnassociate ".fit"
!insertmacro CosmoClipUnassociate ".fts"
DeleteRegKey HKCR "CosmoCLIP.FITS"
System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
