// What htmx does with answers that are not a success.
//
// A form answered 400 (a mistake beside a field) or 409 (somebody saved first: their version
// and what you typed) is swapped in place like a success, so that the message is seen and
// nothing typed is lost. Any other failure leaves the page as it was and says why at the top:
// the portal's own message when it gave one (403: «Дорожная карта утверждена…»), else the
// status, else that the network failed.
(function () {
  "use strict";

  function notice(text) {
    var main = document.querySelector("main");
    if (!main) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Закрыть");
    alert.appendChild(close);
    main.prepend(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  function portalMessage(html) {
    var found = new DOMParser().parseFromString(html || "", "text/html").querySelector("main p");
    return found ? found.textContent.trim() : "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var said = portalMessage(xhr.responseText);
    var what = {403: "Нет доступа.", 404: "Не найдено: страница устарела.", 500: "Ошибка на сервере."}[xhr.status];
    notice("Не сохранено. " + (said || what || "Ответ сервера: " + xhr.status + ".") + " Ваш текст остался в форме.");
  });
  document.addEventListener("htmx:sendError", function () {
    notice("Не сохранено: нет связи с порталом. Ваш текст остался в форме — попробуйте ещё раз.");
  });
})();

// The page's small behaviours, as data attributes instead of inline handlers (the
// Content-Security-Policy runs no inline script). Listeners sit on the document, so that rows
// and forms htmx swaps in later behave the same without being wired again.
//
//   <form data-confirm="Удалить строку?">  asks before it is sent; «Отмена» sends nothing.
//     Caught while the event goes down to the form, before htmx's own listener on an hx-form.
//   <select data-autosubmit>               sends its form when another option is chosen.
//   <button data-copy="#field">            copies the field's text and says so on the button
//                                          and in the page's #copy-status.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    function done() {
      var status = document.getElementById("copy-status");
      if (status) status.textContent = "Скопировано";
      button.textContent = "Скопировано ✓";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
