//! Models generated from the root `models.yaml`.
