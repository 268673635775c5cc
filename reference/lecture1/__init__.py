"""Lecture 1, foundations: the catalog (plain data; the checks live in the topic modules)."""

from functools import partial

from grader.spec import Exercise

TITLE = "Foundations: perceptrons, losses, gradient descent, optimizers, regularization"

E = partial(Exercise, "lecture1")

EXERCISES = [
    E("sigmoid", "activations.py", 1, "Sigmoid",
      "For z < 0 write σ(z) as e^z/(1+e^z) so that you only ever exponentiate a negative number."),
    E("tanh", "activations.py", 1, "Tanh",
      "tanh is odd: compute it for |z| with e^(-2|z|) and put the sign back."),
    E("relu", "activations.py", 1, "ReLU", "max(0, z) elementwise: your backend's maximum or where."),
    E("sigmoid_grad", "activations.py", 1, "Sigmoid derivative",
      "Reuse a stable sigmoid: σ'(z) = σ(z)(1-σ(z)), not z(1-z)."),
    E("tanh_grad", "activations.py", 1, "Tanh derivative", "1 - tanh(z)², with tanh of z, not z²."),
    E("relu_grad", "activations.py", 1, "ReLU derivative",
      "z > 0 (strictly): at z = 0 the gradient is 0. Return floats, not booleans."),
    E("perceptron", "perceptron.py", 1, "Perceptron",
      "x @ w gives one number per example; add the bias w0 and apply a stable sigmoid.", parts=('sigmoid',)),
    E("dense", "perceptron.py", 1, "Dense layer", "x @ W + b: W is (D_in, D_out), no transpose."),
    E("mlp_forward", "perceptron.py", 2, "One-hidden-layer network",
      "The ReLU goes between the layers only: no activation on the output.", parts=('dense', 'relu')),
    E("mse_loss", "losses.py", 1, "Mean squared error", "The mean over every element, not a sum."),
    E("binary_cross_entropy", "losses.py", 1, "Binary cross-entropy",
      "Both terms: y log p and (1-y) log(1-p); then the mean and a minus sign. No clipping."),
    E("softmax", "losses.py", 2, "Softmax",
      "Subtract each row's maximum before exponentiating: the result does not change."),
    E("softmax_cross_entropy", "losses.py", 2, "Softmax cross-entropy",
      "-log softmax(z)[k] = logsumexp(z) - z[k]; compute logsumexp with the max trick."),
    E("gradient_descent_step", "optimization.py", 1, "Gradient descent step",
      "Move against the gradient: w - lr·dw. Return a new array."),
    E("numerical_gradient", "optimization.py", 2, "Numerical gradient",
      "Central differences: (f(w+h e_i) - f(w-h e_i)) / 2h, one element at a time.", timeout=30.0),
    E("minibatch_gradient", "optimization.py", 1, "Mini-batch gradient",
      "Average the per-example gradients over axis 0."),
    E("two_layer_backward", "optimization.py", 4, "Backpropagation by hand",
      "Go backwards: dJ/dŷ = 2(ŷ-y)/(N·K), then W2, b2, h, the sigmoid's σ(1-σ), W1, b1.",
      by_hand=True, parts=('sigmoid', 'sigmoid_grad', 'mse_loss'), timeout=30.0),
    E("momentum_step", "optimizers.py", 1, "SGD with momentum",
      "Update the velocity first, v' = βv + dw, then step with v'."),
    E("adagrad_step", "optimizers.py", 1, "Adagrad", "Accumulate dw² first, then divide by √cache' + eps."),
    E("rmsprop_step", "optimizers.py", 1, "RMSProp",
      "A moving average: decay·cache + (1-decay)·dw², not a running sum."),
    E("adadelta_step", "optimizers.py", 2, "Adadelta",
      "Δ uses the old edx2 and the new eg2; edx2 is updated with Δ afterwards."),
    E("adam_step", "optimizers.py", 2, "Adam",
      "Bias-correct both moments with 1-β^t before the step; t starts at 1."),
    E("dropout", "regularization.py", 2, "Inverted dropout",
      "Keep each element with probability 1-p and scale the survivors by 1/(1-p); draw the mask "
      "with your backend's random functions.", stochastic=True),
    E("early_stopping", "regularization.py", 1, "Early stopping",
      "Track the best loss and the epochs since it improved strictly; stop when that count "
      "reaches patience."),
    E("init_weights", "regularization.py", 1, "Weight initialisation",
      "σ times a standard normal draw of shape (fan_in, fan_out), from your backend.",
      stochastic=True),
    E("train_pass_predictor", "project.py", 3, "Will I pass this class?",
      "Standardise the two features, run gradient descent on the BCE, then map (w, w0) back to "
      "raw units: w_raw = w/σ, w0_raw = w0 - Σ w·μ/σ.", timeout=60.0),
]
