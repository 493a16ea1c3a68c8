"""Training code for khabar's NER models (see README.md in this folder)."""
