# The CLIP network against the Python reference vectors (three checkpoint layouts), configs, weight
# names, loading errors and the save/load round trip.
cosmoclip_add_test(tst_clipmodel SOURCES tst_clipmodel.cpp LIBS cosmoclip_model LABELS unit)
