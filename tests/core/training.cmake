# Fine-tuning and evaluation (core/training). tst_trainingdata needs no LibTorch headers and builds
# fast; tst_contrastive covers loss, optimizer and autograd through the CLIP modules; tst_trainer
# trains tiny random models on a synthetic shape dataset (resume, cancel, NaN guard, freezing,
# checkpoints, WiSE-FT); tst_trainerlearns checks that zero-shot top-1 on the test split rises from
# chance to near 1 (about 5 s here, so labelled unit).
cosmoclip_add_test(tst_trainingdata SOURCES tst_trainingdata.cpp LIBS cosmoclip_training LABELS unit)
cosmoclip_add_test(tst_contrastive SOURCES tst_contrastive.cpp LIBS cosmoclip_training LABELS unit)
cosmoclip_add_test(tst_trainer SOURCES tst_trainer.cpp LIBS cosmoclip_training LABELS unit)
cosmoclip_add_test(tst_trainerlearns SOURCES tst_trainerlearns.cpp LIBS cosmoclip_training LABELS unit)
# Data-parallel fine-tuning (core/training/distributed*): the environment of torchrun and SLURM
# (torch-free, fast) and, when the build has c10d, ranks as threads on loopback Gloo training as one
# process, failures that name the rank, resume.
cosmoclip_add_test(tst_distributedenv SOURCES tst_distributedenv.cpp LIBS cosmoclip_training LABELS unit)
if(COSMOCLIP_DISTRIBUTED_BACKENDS)
  cosmoclip_add_test(tst_distributed SOURCES tst_distributed.cpp LIBS cosmoclip_training LABELS slow)
endif()
# The fused training functions (core/model/fusedtrainingops, trainingkernels: QuickGELU and attention
# forward + backward) against the LibTorch composition, in double and float32, every instruction set.
cosmoclip_add_test(tst_trainingkernels SOURCES tst_trainingkernels.cpp LIBS cosmoclip_model LABELS unit)
