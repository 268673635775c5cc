"""Lecture 4, deep generative models: the catalog (plain data; the checks live in the topic
modules)."""

from functools import partial

from grader.spec import Exercise

TITLE = "Deep generative models: autoencoders, VAEs, divergences, GANs"

E = partial(Exercise, "lecture4")

EXERCISES = [
    E("autoencoder_forward", "autoencoder.py", 1, "Autoencoder forward pass",
      "Encoder: relu(x @ W_enc + b_enc); decoder: a stable sigmoid of z @ W_dec + b_dec. "
      "Return (z, x_hat) in that order.", timeout=30.0),
    E("reconstruction_loss", "autoencoder.py", 1, "Reconstruction loss",
      "Sum the squared errors over every axis but the first, then average over the batch: "
      "sum of everything divided by N."),
    E("reparameterize", "vae.py", 2, "The reparameterization trick",
      "σ = exp(½·log_var), not exp(log_var); z = mu + σ·eps with the eps you are given, in "
      "differentiable ops of your framework (no detach, no .numpy(), no noise of your own)."),
    E("gaussian_kl", "vae.py", 2, "KL of a diagonal Gaussian to N(0, I)",
      "-½ Σ_j (1 + log_var - mu² - exp(log_var)) over the last axis: one value per example, "
      "with the ½ and the minus sign."),
    E("vae_loss", "vae.py", 2, "The VAE loss",
      "(Σ of all squared errors + β·Σ of the per-example KLs) / N: both terms are per-example "
      "sums averaged over the batch; β multiplies the KL only.", parts=('reconstruction_loss', 'gaussian_kl')),
    E("kl_divergence", "divergences.py", 2, "KL divergence",
      "Σ p·log(p/q) / log(base) over the last axis; where p = 0 the term is 0 (use where(), "
      "not 0·log 0 = nan), where p > 0 and q = 0 it is +inf."),
    E("js_divergence", "divergences.py", 2, "Jensen-Shannon divergence",
      "m = (p + q)/2, then ½KL(p‖m) + ½KL(q‖m) in the same base; m > 0 wherever p or q is, "
      "so it is always finite. No square root."),
    E("discriminator_loss", "gan.py", 2, "GAN discriminator loss",
      "Real logits have label 1: softplus(-real); fake have label 0: softplus(fake). "
      "softplus(x) = max(x, 0) + log1p(exp(-|x|)). Mean of each, then add."),
    E("generator_loss", "gan.py", 1, "GAN generator loss (non-saturating)",
      "Minimise -log D(G(z)) = softplus(-fake), not log(1 - D(G(z))); use the stable softplus."),
    E("cycle_consistency_loss", "gan.py", 1, "Cycle-consistency loss",
      "L1: the mean of |x - x_cycled| over every element, not the squared error."),
]
